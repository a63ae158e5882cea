/**
 * Chooses an endpoint for one connection: round robin over the ready endpoints of a service
 * port, or, for `sessionAffinity: ClientIP`, the endpoint this client had last time while it is
 * still ready and within the affinity timeout. `exclude` skips endpoints that already failed
 * this connection, so a retry lands elsewhere.
 *
 *   const ep = picker.pick(service, port, clientIp, new Set());
 */
import type { Clock } from '@wisp/core';
import type { MeshEndpoint, MeshService, MeshServicePort } from './service-table.ts';

/** Client → endpoint memories kept for affinity; the oldest is forgotten first. */
export const affinityEntriesMaxDefault = 16_384;

interface Sticky {
  readonly ip: string;
  expiresAtMs: number;
}

export class EndpointPicker {
  readonly #clock: Clock;
  readonly #entriesMax: number;
  readonly #cursor = new Map<string, number>();
  readonly #sticky = new Map<string, Sticky>();

  constructor(clock: Clock, entriesMax = affinityEntriesMaxDefault) {
    this.#clock = clock;
    this.#entriesMax = entriesMax;
  }

  pick(
    service: MeshService,
    port: MeshServicePort,
    clientIp: string,
    exclude: ReadonlySet<string>,
  ): MeshEndpoint | undefined {
    const all = service.endpoints.get(port.name) ?? [];
    const candidates = all.filter((e) => !exclude.has(e.ip));
    if (candidates.length === 0) return undefined;
    const affinityKey = `${service.key}|${port.name}|${clientIp}`;
    const now = this.#clock.monotonic();
    if (service.affinityTimeoutMs !== undefined) {
      const held = this.#sticky.get(affinityKey);
      const again = held && held.expiresAtMs > now && candidates.find((e) => e.ip === held.ip);
      if (again) {
        held.expiresAtMs = now + service.affinityTimeoutMs;
        return again;
      }
    }
    const cursorKey = `${service.key}|${port.name}`;
    const at = (this.#cursor.get(cursorKey) ?? 0) % candidates.length;
    this.#cursor.set(cursorKey, at + 1);
    const chosen = candidates[at];
    if (service.affinityTimeoutMs !== undefined) {
      this.#sticky.delete(affinityKey);
      this.#sticky.set(affinityKey, {
        ip: chosen.ip,
        expiresAtMs: now + service.affinityTimeoutMs,
      });
      while (this.#sticky.size > this.#entriesMax) {
        this.#sticky.delete(this.#sticky.keys().next().value!);
      }
    }
    return chosen;
  }
}
