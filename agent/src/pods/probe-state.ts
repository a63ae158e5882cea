/**
 * One container's probes as the kubelet runs them: the startup probe first (liveness and
 * readiness wait until it succeeds), each on its own period after initialDelaySeconds, with
 * success and failure thresholds. Pure: the caller runs the checks and feeds back the results.
 *
 *   const probes = new ContainerProbes(spec, startedAtMs);
 *   for (const kind of probes.due(now)) run(kind).then((ok) => probes.record(kind, ok, now));
 */
import type { Container, Probe } from 'kubernetes-types/core/v1.js';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

/** Kubernetes' defaults, in seconds as the API has them. */
export const probeDefaults = {
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
} as const;

/** What a recorded result asks of the pod manager. */
export type ProbeEffect = 'none' | 'changed' | 'kill';

interface ProbeTrack {
  readonly probe: Probe;
  nextAtMs: number;
  inFlight: boolean;
  successes: number;
  failures: number;
  lastMessage?: string;
}

export class ContainerProbes {
  readonly #tracks = new Map<ProbeKind, ProbeTrack>();
  #started: boolean;
  #ready: boolean;

  constructor(spec: Container, startedAtMs: number) {
    const add = (kind: ProbeKind, probe: Probe | undefined) => {
      if (!probe) return;
      const delayMs = (probe.initialDelaySeconds ?? 0) * 1000;
      const t: ProbeTrack = {
        probe,
        nextAtMs: startedAtMs + delayMs,
        inFlight: false,
        successes: 0,
        failures: 0,
      };
      this.#tracks.set(kind, t);
    };
    add('startup', spec.startupProbe);
    add('liveness', spec.livenessProbe);
    add('readiness', spec.readinessProbe);
    this.#started = !this.#tracks.has('startup');
    this.#ready = !this.#tracks.has('readiness');
  }

  /** The startup probe has succeeded (or there is none). */
  get started(): boolean {
    return this.#started;
  }

  /** Started and, if there is a readiness probe, it last passed its threshold. */
  get ready(): boolean {
    return this.#started && this.#ready;
  }

  /** The last failure's message of any probe, for the pod's status. */
  get message(): string | undefined {
    for (const t of this.#tracks.values())
      if (t.failures > 0 && t.lastMessage) return t.lastMessage;
    return undefined;
  }

  probe(kind: ProbeKind): Probe | undefined {
    return this.#tracks.get(kind)?.probe;
  }

  /** Probes to run now; each is marked in flight until its result is recorded. */
  due(nowMs: number): ProbeKind[] {
    const out: ProbeKind[] = [];
    for (const [kind, t] of this.#tracks) {
      if (t.inFlight || nowMs < t.nextAtMs) continue;
      if (kind === 'startup' ? this.#started : !this.#started) continue;
      t.inFlight = true;
      out.push(kind);
    }
    return out;
  }

  /** Earliest time any probe is due (for timers); undefined if none is pending. */
  nextDueMs(): number | undefined {
    const times = [...this.#tracks.values()].filter((t) => !t.inFlight).map((t) => t.nextAtMs);
    return times.length ? Math.min(...times) : undefined;
  }

  record(kind: ProbeKind, ok: boolean, nowMs: number, message?: string): ProbeEffect {
    const t = this.#tracks.get(kind);
    if (!t) return 'none';
    t.inFlight = false;
    t.nextAtMs = nowMs + (t.probe.periodSeconds ?? probeDefaults.periodSeconds) * 1000;
    t.lastMessage = ok ? undefined : message;
    if (ok) {
      t.successes += 1;
      t.failures = 0;
    } else {
      t.failures += 1;
      t.successes = 0;
    }
    const successMin = t.probe.successThreshold ?? probeDefaults.successThreshold;
    const failureMax = t.probe.failureThreshold ?? probeDefaults.failureThreshold;
    if (kind === 'startup') {
      if (ok) {
        this.#started = true;
        return 'changed';
      }
      return t.failures >= failureMax ? 'kill' : 'none';
    }
    if (kind === 'liveness') return !ok && t.failures >= failureMax ? 'kill' : 'none';
    const was = this.#ready;
    if (ok && t.successes >= successMin) this.#ready = true;
    if (!ok && t.failures >= failureMax) this.#ready = false;
    return was === this.#ready ? 'none' : 'changed';
  }
}

export function probeTimeoutMs(probe: Probe): number {
  return (probe.timeoutSeconds ?? probeDefaults.timeoutSeconds) * 1000;
}
