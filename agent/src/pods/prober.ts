/**
 * Runs the probes of the node's running containers: each pass asks for the due checks, runs them
 * without holding up the pass, and reports results that change readiness or call for a kill.
 */
import type { Clock } from '@wisp/core';
import type { Container } from 'kubernetes-types/core/v1.js';
import type { ProbeChecker, ProbeTarget } from './probe-check.ts';
import { ContainerProbes, probeTimeoutMs, type ProbeKind } from './probe-state.ts';

export interface ProberComponents {
  readonly clock: Clock;
  readonly check: ProbeChecker;
  /** A probe changed readiness (`changed`) or failed past its threshold (`kill`). */
  readonly onEffect: (containerId: string, effect: 'changed' | 'kill', why: string) => void;
  /** Every failed check, as the kubelet's Unhealthy event reports each one. */
  readonly onFailure?: (containerId: string, why: string) => void;
}

export class Prober {
  readonly #c: ProberComponents;
  readonly #byId = new Map<string, ContainerProbes>();

  constructor(components: ProberComponents) {
    this.#c = components;
  }

  /** The probes of a container instance, created at its first sight. */
  track(containerId: string, spec: Container, startedAtMs: number): ContainerProbes {
    let p = this.#byId.get(containerId);
    if (!p) {
      p = new ContainerProbes(spec, startedAtMs);
      this.#byId.set(containerId, p);
    }
    return p;
  }

  get(containerId: string | undefined): ContainerProbes | undefined {
    return containerId === undefined ? undefined : this.#byId.get(containerId);
  }

  forget(containerId: string | undefined): void {
    if (containerId !== undefined) this.#byId.delete(containerId);
  }

  /** Keeps only the given instances' probes. */
  retain(containerIds: ReadonlySet<string>): void {
    for (const id of [...this.#byId.keys()]) if (!containerIds.has(id)) this.#byId.delete(id);
  }

  /** Starts the container's due checks. */
  run(containerId: string, target: ProbeTarget): void {
    const probes = this.#byId.get(containerId);
    if (!probes) return;
    for (const kind of probes.due(this.#c.clock.now()))
      void this.#one(containerId, probes, kind, target);
  }

  async #one(id: string, probes: ContainerProbes, kind: ProbeKind, target: ProbeTarget) {
    const probe = probes.probe(kind)!;
    const result = await this.#c
      .check(probe, target, probeTimeoutMs(probe))
      .catch((e: unknown) => ({
        ok: false,
        message: String(e),
      }));
    if (this.#byId.get(id) !== probes) return;
    const effect = probes.record(kind, result.ok, this.#c.clock.now(), result.message);
    const label = `${kind[0].toUpperCase()}${kind.slice(1)} probe failed`;
    const why = result.message ? `${label}: ${result.message}` : label;
    if (!result.ok) this.#c.onFailure?.(id, why);
    if (effect !== 'none') this.#c.onEffect(id, effect, why);
  }
}
