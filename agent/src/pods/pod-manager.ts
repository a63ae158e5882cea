/**
 * The pod manager, a small kubelet: reconciles the pods of the node's desired document against
 * the runtime — creates sandboxes with IPs from the node's pod CIDR, resolves each container's
 * env, volumes, log file and limits, starts containers, runs their probes, restarts them by
 * restartPolicy with back-off, enforces activeDeadlineSeconds, stops removed pods gracefully —
 * and reports each pod's status when it changes, and what happened to it as Kubernetes Events. What it ran is kept under the data dir so a
 * restarted agent (even with the control plane gone) brings its pods back.
 *
 *   const pods = createPodManager({ nodeName, podCidr, dataDir }, { runtime, clock, onStatus });
 *   await pods.start();
 *   pods.setDesired(doc.pods, { configMaps, secrets }); // reconciles now and every syncIntervalMs
 */
import type { ConfigMap, Container, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { podLoopback } from '@wisp/api/net/pod-loopback.ts';
import type { AgentEvent, EventType } from '@wisp/api/wire/event-messages.ts';
import type { PodStatusEntry } from '@wisp/api/wire/messages.ts';
import type { Clock, PodRuntime, SandboxStatus, TimerHandle } from '@wisp/core';
import { resolveContainer } from './container-config.ts';
import { backoffDefaults, syncContainer, type BackoffLimits } from './container-sync.ts';
import { PodIpPool } from './pod-ips.ts';
import { loadPodRecords, savePodRecords, type PodRecord } from './pod-records.ts';
import { podSourcesOf, type PodSources } from './pod-sources.ts';
import { podReady, podStatusOf } from './pod-status.ts';
import { networkProbeChecker, type ProbeChecker } from './probe-check.ts';
import { Prober } from './prober.ts';
import { removePodDir } from './volumes.ts';

export interface PodManagerInit extends Partial<BackoffLimits> {
  readonly nodeName: string;
  readonly podCidr: string;
  readonly dataDir: string;
  readonly hostIp?: string;
  /** How often exits, probes and back-off expiries are looked at; default 1 s. */
  readonly syncIntervalMs?: number;
  /** Used when a pod sets no terminationGracePeriodSeconds; default 30 s. */
  readonly gracePeriodMs?: number;
  /** hostPath volumes are refused unless the agent was started with --allow-host-path. */
  readonly allowHostPath?: boolean;
}

export interface PodManagerComponents {
  readonly runtime: PodRuntime;
  readonly clock: Clock;
  /** Called with the pods whose status changed since the last call. */
  readonly onStatus: (pods: readonly PodStatusEntry[]) => void;
  /** Kubernetes Events about pods and their containers (the status reporter sends them). */
  readonly onEvent?: (event: AgentEvent) => void;
  readonly onError?: (e: unknown) => void;
  /** Runs one probe check; default: real HTTP and TCP against the pod's loopback address. */
  readonly probeChecker?: ProbeChecker;
}

/** What pods' env and volumes may refer to, from the same desired document. */
export interface DesiredSources {
  readonly configMaps?: readonly ConfigMap[];
  readonly secrets?: readonly Secret[];
}

export const podManagerDefaults = { syncIntervalMs: 1000, gracePeriodMs: 30_000 } as const;

const deadlineMessage = 'Pod was active on the node longer than the specified deadline';

export class PodManager {
  readonly #init: PodManagerInit;
  readonly #c: PodManagerComponents;
  readonly #limits: BackoffLimits;
  readonly #ips: PodIpPool;
  readonly #prober: Prober;
  #records = new Map<string, PodRecord>();
  #desired = new Map<string, Pod>();
  #sources: PodSources = podSourcesOf();
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
    this.#prober = new Prober({
      clock: components.clock,
      check: components.probeChecker ?? networkProbeChecker(components.clock),
      onEffect: (id, effect, why) => void this.#onProbe(id, effect, why),
      onFailure: (id, why) => this.#eventFor(id, 'Warning', 'Unhealthy', why),
    });
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

  /** The pods the node should run, with the ConfigMaps and Secrets they use; reconciles. */
  setDesired(pods: readonly Pod[], sources: DesiredSources = {}): Promise<void> {
    this.#desired = new Map(pods.map((p) => [keyOf(p), p]));
    this.#sources = podSourcesOf(sources.configMaps, sources.secrets);
    return this.reconcile();
  }

  /** Every known pod's current status (for a full report after reconnecting). */
  statuses(): PodStatusEntry[] {
    return [...this.#reported.values()].map((s) => JSON.parse(s) as PodStatusEntry);
  }

  /** The pod's record (for the log protocol: uid and restart counts). */
  record(namespace: string, name: string): PodRecord | undefined {
    for (const r of this.#records.values()) {
      if (r.namespace === namespace && r.name === name) return r;
    }
    return undefined;
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
    for (const uid of [...this.#reported.keys()]) {
      if (!this.#desired.has(uid)) this.#reported.delete(uid);
    }
    const changed: PodStatusEntry[] = [];
    const liveIds = new Set<string>();
    for (const [uid, pod] of this.#desired) {
      if (pod.metadata?.deletionTimestamp) {
        const entry = await this.#finishDeletion(uid, pod);
        const json = JSON.stringify(entry);
        if (this.#reported.get(uid) !== json) changed.push(entry);
        this.#reported.set(uid, json);
        continue;
      }
      const record = this.#records.get(uid) ?? this.#admit(uid, pod);
      let live: SandboxStatus | undefined;
      try {
        await this.#enforceDeadline(pod, record);
        live = record.failed ? await this.#status(record) : await this.#syncPod(pod, record);
      } catch (e) {
        // One pod's runtime failure must not hold up the node's other pods.
        this.#c.onError?.(e);
        live = await this.#status(record).catch(() => undefined);
      }
      this.#probe(pod, record, live, liveIds);
      const entry = this.#entry(pod, record, live);
      record.phase = entry.status.phase;
      const json = JSON.stringify(entry);
      if (this.#reported.get(uid) !== json) changed.push(entry);
      this.#reported.set(uid, json);
    }
    this.#prober.retain(liveIds);
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

  async #status(r: PodRecord): Promise<SandboxStatus | undefined> {
    return r.sandbox ? this.#c.runtime.status(r.sandbox) : undefined;
  }

  async #syncPod(pod: Pod, r: PodRecord): Promise<SandboxStatus | undefined> {
    const rt = this.#c.runtime;
    let live = await this.#status(r);
    if (!live) {
      // Never created, or gone with a runtime restart: start afresh, keeping restart counts.
      try {
        r.sandbox = await rt.createSandbox(sandboxSpecOf(pod, r));
      } catch (e) {
        for (const c of r.containers) {
          c.waitingReason = 'CreateContainerError';
          c.waitingMessage = e instanceof Error ? e.message : String(e);
        }
        return undefined;
      }
      for (const c of r.containers) c.containerId = undefined;
    }
    const sandbox = r.sandbox!;
    for (const c of r.containers) {
      const spec = pod.spec?.containers.find((x) => x.name === c.name);
      if (!spec) continue;
      const cur = live?.containers.find((x) => x.id === c.containerId)?.current;
      const exited = cur?.state === 'exited' ? cur : undefined;
      const resolve = (s: Container, restartCount: number) =>
        resolveContainer(this.#configContext(), pod, r, s, restartCount);
      const ctx = {
        runtime: rt,
        clock: this.#c.clock,
        limits: this.#limits,
        pod,
        sandbox,
        resolve,
        event: (type: EventType, reason: string, message: string) =>
          this.#event(r, c.name, type, reason, message),
      };
      await syncContainer({ ...ctx, ...(exited ? { exited } : {}) }, c, spec);
    }
    live = await rt.status(sandbox);
    return live;
  }

  #configContext() {
    return {
      dataDir: this.#init.dataDir,
      nodeName: this.#init.nodeName,
      hostIp: this.#init.hostIp ?? '127.0.0.1',
      allowHostPath: this.#init.allowHostPath ?? false,
      runtime: this.#c.runtime,
      sources: this.#sources,
      nowMs: this.#c.clock.now(),
    };
  }

  /** activeDeadlineSeconds: past it, every container is stopped and the pod Failed for good. */
  async #enforceDeadline(pod: Pod, r: PodRecord): Promise<void> {
    const deadlineS = pod.spec?.activeDeadlineSeconds;
    if (deadlineS === undefined || r.failed || r.phase === 'Succeeded' || r.phase === 'Failed') {
      return;
    }
    if (this.#c.clock.now() - r.startTimeMs < deadlineS * 1000) return;
    r.failed = { reason: 'DeadlineExceeded', message: deadlineMessage };
    this.#event(r, undefined, 'Warning', 'DeadlineExceeded', deadlineMessage);
    await this.#stopContainers(r, 0);
    for (const c of r.containers) {
      c.waitingReason = undefined;
      c.waitingMessage = undefined;
    }
  }

  #probe(pod: Pod, r: PodRecord, live: SandboxStatus | undefined, liveIds: Set<string>): void {
    for (const c of r.containers) {
      const cur = live?.containers.find((x) => x.id === c.containerId)?.current;
      const spec = pod.spec?.containers.find((x) => x.name === c.name);
      if (!spec || !c.containerId || cur?.state !== 'running') continue;
      liveIds.add(c.containerId);
      this.#prober.track(c.containerId, spec, cur.startedAtMs);
      this.#prober.run(c.containerId, { host: podLoopback(r.podIp), container: spec });
    }
  }

  async #onProbe(containerId: string, effect: 'changed' | 'kill', why: string): Promise<void> {
    if (effect === 'kill') {
      const r = [...this.#records.values()].find((x) =>
        x.containers.some((c) => c.containerId === containerId),
      );
      const pod = r && this.#desired.get(r.uid);
      if (r?.sandbox && pod) {
        this.#prober.forget(containerId);
        const c = r.containers.find((x) => x.containerId === containerId)!;
        c.killMessage = `${why}; the container will be restarted`;
        const killing = `Container ${c.name} failed liveness probe, will be restarted`;
        this.#event(r, c.name, 'Normal', 'Killing', killing);
        await this.#c.runtime
          .stop(r.sandbox, containerId, { gracePeriodMs: this.#graceOf(pod) })
          .catch((e: unknown) => this.#c.onError?.(e));
      }
    }
    await this.reconcile();
  }

  #graceOf(pod: Pod | undefined): number {
    const s = pod?.spec?.terminationGracePeriodSeconds;
    return s === undefined
      ? (this.#init.gracePeriodMs ?? podManagerDefaults.gracePeriodMs)
      : s * 1000;
  }

  async #stopContainers(r: PodRecord, graceMs: number): Promise<void> {
    if (!r.sandbox) return;
    for (const c of r.containers) {
      if (c.containerId) {
        await this.#c.runtime.stop(r.sandbox, c.containerId, { gracePeriodMs: graceMs });
      }
    }
  }

  /**
   * A pod being deleted (graceful deletion): its containers are stopped within its grace period
   * and its resources released, once; then the report says `removed`, so the control plane
   * deletes the object. A pod this node never ran is reported removed at once.
   */
  async #finishDeletion(uid: string, pod: Pod): Promise<PodStatusEntry> {
    const record = this.#records.get(uid);
    const last = this.#reported.get(uid);
    const status = last ? (JSON.parse(last) as PodStatusEntry).status : {};
    if (record) {
      const graceS =
        pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds;
      await this.#terminate(record, graceS === undefined ? undefined : graceS * 1000);
    }
    return {
      namespace: pod.metadata?.namespace ?? 'default',
      name: pod.metadata?.name ?? '',
      uid,
      status,
      removed: true,
    };
  }

  async #terminate(r: PodRecord, graceMs?: number): Promise<void> {
    for (const c of r.containers) {
      if (c.containerId)
        this.#event(r, c.name, 'Normal', 'Killing', `Stopping container ${c.name}`);
    }
    await this.#stopContainers(
      r,
      graceMs ?? this.#init.gracePeriodMs ?? podManagerDefaults.gracePeriodMs,
    );
    if (r.sandbox) await this.#c.runtime.remove(r.sandbox);
    await removePodDir(this.#init.dataDir, r.uid).catch((e: unknown) => this.#c.onError?.(e));
    this.#ips.release(r.podIp);
    this.#records.delete(r.uid);
    this.#reported.delete(r.uid);
  }

  /** An Event about the pod, or one of its containers when `container` is given. */
  #event(
    r: PodRecord,
    container: string | undefined,
    type: EventType,
    reason: string,
    message: string,
  ): void {
    const involvedObject = {
      kind: 'Pod' as const,
      namespace: r.namespace,
      name: r.name,
      uid: r.uid,
      ...(container ? { fieldPath: `spec.containers{${container}}` } : {}),
    };
    this.#c.onEvent?.({ involvedObject, type, reason, message });
  }

  /** An Event about the container instance `containerId`, if it is still known. */
  #eventFor(containerId: string, type: EventType, reason: string, message: string): void {
    for (const r of this.#records.values()) {
      const c = r.containers.find((x) => x.containerId === containerId);
      if (c) return this.#event(r, c.name, type, reason, message);
    }
  }

  #entry(pod: Pod, r: PodRecord, live: SandboxStatus | undefined): PodStatusEntry {
    const view = {
      hostIp: this.#init.hostIp ?? '127.0.0.1',
      runtimeName: this.#c.runtime.runtimeClasses[0] ?? 'runtime',
      probes: (id: string) => this.#prober.get(id),
    };
    let status = podStatusOf(pod, r, live, view);
    const ready = podReady(status);
    if (r.ready !== ready) {
      r.ready = ready;
      r.readyChangedAtMs = this.#c.clock.now();
      status = podStatusOf(pod, r, live, view);
    }
    return { namespace: r.namespace, name: r.name, uid: r.uid, status };
  }

  async #save(): Promise<void> {
    const json = JSON.stringify([...this.#records.values()]);
    if (json === this.#savedJson) return;
    await savePodRecords(this.#init.dataDir, [...this.#records.values()]);
    this.#savedJson = json;
  }
}

function sandboxSpecOf(pod: Pod, r: PodRecord) {
  const ports = (pod.spec?.containers ?? []).flatMap((c) =>
    (c.ports ?? []).map((p) => ({
      containerName: c.name,
      containerPort: p.containerPort,
      protocol: (p.protocol ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP',
      ...(p.name ? { name: p.name } : {}),
    })),
  );
  const cls = pod.spec?.runtimeClassName;
  const annotations = pod.metadata?.annotations;
  const labels = pod.metadata?.labels;
  return {
    uid: r.uid,
    namespace: r.namespace,
    name: r.name,
    podIp: r.podIp,
    ports,
    ...(cls ? { runtimeClassName: cls } : {}),
    ...(annotations ? { annotations } : {}),
    ...(labels ? { labels } : {}),
  };
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
