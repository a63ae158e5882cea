/**
 * The fake kubelet's pod loop: a key changes (watch, timer, resync) → `sync(key)` computes the
 * pod's timeline and status from what it knows and converges the server to it: a status write
 * when the status differs, and for a pod being deleted, containers marked terminated and then the
 * final delete with grace 0. Keys are synced one at a time; a key changed while syncing is
 * synced again after.
 */
import type { KubeObject } from '@wisp/api';
import type { Clock, TimerHandle } from '@wisp/core';
import type { KubeClient } from '../kube-client/client.ts';
import type { IpPool } from './ip-pool.ts';
import { podStatusFor } from './pod-status.ts';
import { podTimeline } from './pod-timeline.ts';
import type { RestartPolicy } from './pod-timeline.ts';
import type { PodBehaviour, PodRules } from './pod-rules.ts';
import type { PodWatcher } from './pod-watcher.ts';
import { finalDeletePod, writePodStatus } from './pod-writes.ts';
import { sameJson } from './same-json.ts';

export interface PodSyncerInit {
  readonly hostIP: string;
  /** Pause before a failed sync is tried again. */
  readonly retryIntervalMs: number;
  readonly fieldManager: string;
}

export interface PodSyncerComponents {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly pods: Pick<PodWatcher, 'get' | 'put' | 'keys'>;
  readonly rules: PodRules;
  readonly ips: IpPool;
  readonly log: (message: string, error?: unknown) => void;
}

/** What the agent remembers about a pod it took: survives stop()/start() like a node's disk. */
interface LocalPod {
  readonly uid: string;
  readonly acceptedAtMs: number;
  readonly behaviour: PodBehaviour;
  killedAtMs?: number;
}

export interface PodSyncer {
  schedule(key: string): void;
  /** Resolves when no key is queued or syncing. */
  settled(): Promise<void>;
  idle(): boolean;
  /** Stops timers and waits for the sync in progress; queued keys stay for the next start. */
  stop(): Promise<void>;
  start(): void;
  podIP(uid: string): string | undefined;
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

export function createPodSyncer(init: PodSyncerInit, c: PodSyncerComponents): PodSyncer {
  const locals = new Map<string, LocalPod>();
  const uidByKey = new Map<string, string>();
  const wakeTimers = new Map<string, TimerHandle>();
  const dirty = new Set<string>();
  let draining: Promise<void> | undefined;
  let active = false;

  function schedule(key: string): void {
    dirty.add(key);
    if (active && !draining) draining = drain().finally(() => (draining = undefined));
  }

  async function drain(): Promise<void> {
    while (active && dirty.size > 0) {
      const key = dirty.values().next().value!;
      dirty.delete(key);
      try {
        await sync(key);
      } catch (e) {
        c.log(`pod ${key}: sync failed; retrying`, e);
        wakeAt(key, c.clock.now() + init.retryIntervalMs);
      }
    }
  }

  function wakeAt(key: string, atMs: number): void {
    c.clock.clearTimeout(wakeTimers.get(key));
    const handle = c.clock.setTimeout(
      () => {
        wakeTimers.delete(key);
        schedule(key);
      },
      Math.max(0, atMs - c.clock.now()),
    );
    wakeTimers.set(key, handle);
  }

  function forget(key: string): void {
    c.clock.clearTimeout(wakeTimers.get(key));
    wakeTimers.delete(key);
    const uid = uidByKey.get(key);
    if (uid === undefined) return;
    uidByKey.delete(key);
    locals.delete(uid);
    c.ips.release(uid);
  }

  function accept(key: string, pod: KubeObject): LocalPod {
    const uid = pod.metadata.uid!;
    // Same name, new object (a StatefulSet pod recreated): the old one is gone.
    if (uidByKey.get(key) !== uid) forget(key);
    const local = { uid, acceptedAtMs: c.clock.now(), behaviour: c.rules.behaviourFor(pod) };
    locals.set(uid, local);
    uidByKey.set(key, uid);
    try {
      c.ips.allocate(uid);
    } catch (e) {
      c.log(`pod ${key}: no pod IP`, e);
    }
    return local;
  }

  async function sync(key: string): Promise<void> {
    const pod = c.pods.get(key);
    if (!pod) return forget(key);
    const phase = (pod.status as { phase?: string } | undefined)?.phase ?? '';
    let local = locals.get(pod.metadata.uid!);
    if (!local) {
      // A pod that finished before this agent knew it is history, not work.
      if (TERMINAL.has(phase)) {
        return pod.metadata.deletionTimestamp ? finalDelete(key, pod) : undefined;
      }
      local = accept(key, pod);
    }
    const now = c.clock.now();
    if (pod.metadata.deletionTimestamp && local.killedAtMs === undefined) local.killedAtMs = now;
    const { tl, status } = desired(pod, local, now, init.hostIP, c.ips.get(local.uid));
    if (!sameJson(status, pod.status)) {
      const put = (p: KubeObject) => c.pods.put(p);
      if (!(await writePodStatus(c.client, put, pod, status, init.fieldManager))) return;
    }
    if (local.killedAtMs !== undefined) return finalDelete(key, pod);
    if (tl.stage === 'terminated') c.ips.release(local.uid);
    if (tl.wakeAtMs !== undefined) wakeAt(key, tl.wakeAtMs);
  }

  async function finalDelete(key: string, pod: KubeObject): Promise<void> {
    await finalDeletePod(c.client, pod);
    forget(key);
  }

  return {
    schedule,
    async settled() {
      while (draining) await draining;
    },
    idle: () => dirty.size === 0 && !draining,
    start() {
      active = true;
      for (const key of c.pods.keys()) dirty.add(key);
      if (!draining) draining = drain().finally(() => (draining = undefined));
    },
    async stop() {
      active = false;
      for (const [key, t] of wakeTimers) {
        c.clock.clearTimeout(t);
        dirty.add(key);
      }
      wakeTimers.clear();
      while (draining) await draining;
    },
    podIP: (uid) => c.ips.get(uid),
  };
}

/** Where the pod's containers are now, and the status that says so. */
function desired(
  pod: KubeObject,
  local: LocalPod,
  nowMs: number,
  hostIP: string,
  podIP: string | undefined,
) {
  const spec = pod.spec as { restartPolicy?: RestartPolicy };
  const tl = podTimeline({
    behaviour: local.behaviour,
    restartPolicy: spec.restartPolicy ?? 'Always',
    acceptedAtMs: local.acceptedAtMs,
    nowMs,
    killedAtMs: local.killedAtMs,
  });
  return { tl, status: podStatusFor(pod, tl, { hostIP, podIP, acceptedAtMs: local.acceptedAtMs }) };
}
