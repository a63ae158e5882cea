/**
 * The pod manager, a small kubelet: reconciles the pods of the node's desired document against
 * the runtime — creates sandboxes with IPs from the node's pod CIDR, starts containers, restarts
 * them by restartPolicy with back-off, stops removed pods gracefully — and reports each pod's
 * status when it changes. What it ran is kept under the data dir so a restarted agent (even with
 * the control plane gone) brings its pods back.
 *
 *   const pods = createPodManager({ nodeName, podCidr, dataDir }, { runtime, clock, onStatus });
 *   await pods.start();
 *   pods.setDesired(doc.pods); // reconciles now and every syncIntervalMs
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodStatusEntry } from '@wisp/api/wire/messages.ts';
import type { Clock, PodRuntime, SandboxStatus, TimerHandle } from '@wisp/core';
import { backoffDefaults, syncContainer, type BackoffLimits } from './container-sync.ts';
import { PodIpPool } from './pod-ips.ts';
import { loadPodRecords, savePodRecords, type PodRecord } from './pod-records.ts';
import { podStatusOf } from './pod-status.ts';

export interface PodManagerInit extends Partial<BackoffLimits> {
  readonly nodeName: string;
  readonly podCidr: string;
  readonly dataDir: string;
  readonly hostIp?: string;
  /** How often exits and back-off expiries are looked at; default 1 s. */
  readonly syncIntervalMs?: number;
  /** Used when a pod sets no terminationGracePeriodSeconds; default 30 s. */
  readonly gracePeriodMs?: number;
}

export interface PodManagerComponents {
  readonly runtime: PodRuntime;
  readonly clock: Clock;
  /** Called with the pods whose status changed since the last call. */
  readonly onStatus: (pods: readonly PodStatusEntry[]) => void;
  readonly onError?: (e: unknown) => void;
}

export const podManagerDefaults = { syncIntervalMs: 1000, gracePeriodMs: 30_000 } as const;

export class PodManager {
  readonly #init: PodManagerInit;
  readonly #c: PodManagerComponents;
  readonly #limits: BackoffLimits;
  readonly #ips: PodIpPool;
  #records = new Map<string, PodRecord>();
  #desired = new Map<string, Pod>();
  readonly #reported = new Map<string, string>();
  #savedJson = '';
  #timer: TimerHandle | undefined;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(init: PodManagerInit, components: PodManagerComponents) {
    this.#init = init;
    this.#c = components;
    this.#limits = { ...backoffDefaults, ...definedOnly(init) };
    this.#ips = new PodIpPool(init.podCidr);
  }

  async start(): Promise<void> {
    for (const r of await loadPodRecords(this.#init.dataDir)) {
      this.#records.set(r.uid, r);
      this.#ips.claim(r.podIp);
    }
    // #savedJson stays empty: the first pass after a start rewrites the records, so the file
    // shows that this process (its runtime fresh) has reconciled them.
    const every = this.#init.syncIntervalMs ?? podManagerDefaults.syncIntervalMs;
    this.#timer = this.#c.clock.setInterval(() => void this.reconcile(), every);
  }

  async stop(): Promise<void> {
    this.#c.clock.clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** The pods the node should run; reconciles at once. */
  setDesired(pods: readonly Pod[]): Promise<void> {
    this.#desired = new Map(pods.map((p) => [keyOf(p), p]));
    return this.reconcile();
  }

  /** Every known pod's current status (for a full report after reconnecting). */
  statuses(): PodStatusEntry[] {
    return [...this.#reported.values()].map((s) => JSON.parse(s) as PodStatusEntry);
  }

  /** One pass at a time; a request during a pass runs one more pass after it. */
  reconcile(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          await this.#pass();
        } catch (e) {
          this.#c.onError?.(e);
        }
      } while (this.#again);
      this.#running = undefined;
    })();
    return this.#running;
  }

  async #pass(): Promise<void> {
    for (const [uid, record] of [...this.#records]) {
      if (!this.#desired.has(uid)) await this.#terminate(record);
    }
    const changed: PodStatusEntry[] = [];
    for (const [uid, pod] of this.#desired) {
      const record = this.#records.get(uid) ?? this.#admit(uid, pod);
      const live = await this.#syncPod(pod, record);
      const entry = this.#entry(pod, record, live);
      record.phase = entry.status.phase;
      const json = JSON.stringify(entry);
      if (this.#reported.get(uid) !== json) changed.push(entry);
      this.#reported.set(uid, json);
    }
    await this.#save();
    if (changed.length) this.#c.onStatus(changed);
  }

  #admit(uid: string, pod: Pod): PodRecord {
    const record: PodRecord = {
      uid,
      namespace: pod.metadata?.namespace ?? 'default',
      name: pod.metadata?.name ?? '',
      podIp: this.#ips.allocate(),
      startTimeMs: this.#c.clock.now(),
      containers: (pod.spec?.containers ?? []).map((c) => ({
        name: c.name,
        restartCount: 0,
        backoffMs: this.#limits.backoffInitialMs,
        backoffUntilMs: 0,
      })),
    };
    this.#records.set(uid, record);
    return record;
  }

  async #syncPod(pod: Pod, r: PodRecord): Promise<SandboxStatus | undefined> {
    const rt = this.#c.runtime;
    let live = r.sandbox ? await rt.status(r.sandbox) : undefined;
    if (!live) {
      // Never created, or gone with a runtime restart: start afresh, keeping restart counts.
      const { uid, namespace, name, podIp } = r;
      r.sandbox = await rt.createSandbox({ uid, namespace, name, podIp });
      for (const c of r.containers) c.containerId = undefined;
    }
    const sandbox = r.sandbox!;
    for (const c of r.containers) {
      const spec = pod.spec?.containers.find((x) => x.name === c.name);
      if (!spec) continue;
      const cur = live?.containers.find((x) => x.id === c.containerId)?.current;
      const exited = cur?.state === 'exited' ? cur : undefined;
      const ctx = { runtime: rt, clock: this.#c.clock, limits: this.#limits, pod, sandbox };
      await syncContainer({ ...ctx, ...(exited ? { exited } : {}) }, c, spec);
    }
    live = await rt.status(sandbox);
    return live;
  }

  async #terminate(r: PodRecord): Promise<void> {
    const grace = this.#init.gracePeriodMs ?? podManagerDefaults.gracePeriodMs;
    if (r.sandbox) {
      for (const c of r.containers) {
        if (c.containerId)
          await this.#c.runtime.stop(r.sandbox, c.containerId, { gracePeriodMs: grace });
      }
      await this.#c.runtime.remove(r.sandbox);
    }
    this.#ips.release(r.podIp);
    this.#records.delete(r.uid);
    this.#reported.delete(r.uid);
  }

  #entry(pod: Pod, r: PodRecord, live: SandboxStatus | undefined): PodStatusEntry {
    const status = podStatusOf(pod, r, live, this.#init.hostIp ?? '127.0.0.1');
    return { namespace: r.namespace, name: r.name, uid: r.uid, status };
  }

  async #save(): Promise<void> {
    const json = JSON.stringify([...this.#records.values()]);
    if (json === this.#savedJson) return;
    await savePodRecords(this.#init.dataDir, [...this.#records.values()]);
    this.#savedJson = json;
  }
}

function keyOf(pod: Pod): string {
  return pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}

function definedOnly(init: Partial<BackoffLimits>): Partial<BackoffLimits> {
  const keys = ['backoffInitialMs', 'backoffMaxMs', 'backoffResetMs'] as const;
  return Object.fromEntries(keys.filter((k) => init[k] !== undefined).map((k) => [k, init[k]]));
}

export function createPodManager(init: PodManagerInit, c: PodManagerComponents): PodManager {
  return new PodManager(init, c);
}
