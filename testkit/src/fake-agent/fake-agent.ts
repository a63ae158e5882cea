/**
 * A fake node agent that talks to the control plane only through the Kubernetes API, as a
 * kubelet does: it registers its Node, renews its Lease and posts node status on the injected
 * clock, and runs the pods bound to it through Pending → Running → Succeeded / Failed by the
 * rules a test sets, finishing deleted pods with the kubelet's final delete (grace 0).
 * `stop()` is a lost node: no more API traffic at all; `start()` again is the node coming back.
 *
 *   const agent = createFakeAgent({ nodeName: 'edge-a-1', site: 'a', podCidr: '10.42.1.0/24' },
 *     { client, clock, rules });
 *   await agent.start();
 *   rules.add({ image: 'registry.local/batch:1', behaviour: runFor(3000) });
 *   await agent.stop(); // the node stops renewing; the lifecycle controller marks it NotReady
 */
import { createHash } from 'node:crypto';
import type { Clock, Startable } from '@wisp/core';
import type { KubeClient } from '../kube-client/client.ts';
import { IpPool } from './ip-pool.ts';
import { createNodeHeartbeat } from './node-heartbeat.ts';
import type { NodeResources, NodeShape, Taint } from './node-object.ts';
import { PodRules } from './pod-rules.ts';
import { createPodSyncer } from './pod-syncer.ts';
import { createPodWatcher } from './pod-watcher.ts';
import type { TimerHandle } from '@wisp/core';

export interface FakeAgentInit {
  readonly nodeName: string;
  /** Also the node's `topology.kubernetes.io/zone`. */
  readonly site: string;
  /** Default `arm64`: edge boards. */
  readonly arch?: string;
  /** Default `linux`. */
  readonly os?: string;
  /** Runtime handlers the node offers; default `wasm` and `oci`. */
  readonly runtimes?: readonly string[];
  /** Extra labels; they win over the ones the agent sets. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Taints to register with. */
  readonly taints?: readonly Taint[];
  /** Default 4 CPUs, 8Gi, 110 pods. */
  readonly capacity?: Partial<NodeResources>;
  /** Default: the capacity. */
  readonly allocatable?: Partial<NodeResources>;
  /** The node's InternalIP; by default one derived from the name. */
  readonly address?: string;
  /** Pod IPs come from here; by default a /24 of 10.42.0.0/16 derived from the name. */
  readonly podCidr?: string;
  readonly kubeletVersion?: string;
  readonly leaseDurationSeconds?: number;
  readonly leaseRenewIntervalMs?: number;
  readonly nodeStatusIntervalMs?: number;
  /** Every pod is synced again this often, whatever the watch said. */
  readonly podResyncIntervalMs?: number;
  /** Pause before a failed list, watch or pod sync is tried again. */
  readonly retryIntervalMs?: number;
}

export interface FakeAgentComponents {
  readonly client: KubeClient;
  readonly clock: Clock;
  /** Shared by several agents so a test sets behaviour once; by default the agent's own. */
  readonly rules?: PodRules;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface FakeAgent extends Startable {
  readonly nodeName: string;
  readonly rules: PodRules;
  /** First call registers the Node; after `stop()` it resumes (a lost node comes back). */
  start(): Promise<void>;
  /** A lost node: every timer stops and nothing more is sent; local pod state is kept. */
  stop(): Promise<void>;
  running(): boolean;
  /** Renews the Lease now (tests align a stop with the last renewal). */
  renewLease(): Promise<void>;
  postNodeStatus(): Promise<void>;
  /** Syncs every known pod now and resolves when the agent has nothing left to do. */
  syncPods(): Promise<void>;
  /** True when no pod sync is queued or running. */
  idle(): boolean;
  lastLeaseRenewMs(): number | undefined;
  /** The IP the agent gave a pod (by uid), while it holds one. */
  podIP(uid: string): string | undefined;
}

export const FAKE_AGENT_DEFAULTS = {
  arch: 'arm64',
  os: 'linux',
  runtimes: ['wasm', 'oci'],
  capacity: { cpu: '4', memory: '8Gi', pods: '110' },
  kubeletVersion: 'v1.32.0-wisp',
  leaseDurationSeconds: 40,
  leaseRenewIntervalMs: 10_000,
  nodeStatusIntervalMs: 10_000,
  podResyncIntervalMs: 10_000,
  retryIntervalMs: 1_000,
} as const;

export function nodeShape(init: FakeAgentInit): NodeShape {
  const d = FAKE_AGENT_DEFAULTS;
  const h = createHash('sha256').update(init.nodeName).digest();
  const capacity = { ...d.capacity, ...init.capacity };
  return {
    nodeName: init.nodeName,
    site: init.site,
    arch: init.arch ?? d.arch,
    os: init.os ?? d.os,
    runtimes: init.runtimes ?? d.runtimes,
    labels: init.labels ?? {},
    taints: init.taints ?? [],
    capacity,
    allocatable: { ...capacity, ...init.allocatable },
    address: init.address ?? `192.168.${h[0]}.${2 + (h[1] % 252)}`,
    podCidr: init.podCidr ?? `10.42.${h[2]}.0/24`,
    kubeletVersion: init.kubeletVersion ?? d.kubeletVersion,
  };
}

export function createFakeAgent(init: FakeAgentInit, c: FakeAgentComponents): FakeAgent {
  const d = FAKE_AGENT_DEFAULTS;
  const shape = nodeShape(init);
  const rules = c.rules ?? new PodRules();
  const log = c.log ?? ((m: string, e?: unknown) => console.error(`fake-agent: ${m}`, e ?? ''));
  const retryIntervalMs = init.retryIntervalMs ?? d.retryIntervalMs;
  const fieldManager = `kubelet-${shape.nodeName}`;
  const heartbeat = createNodeHeartbeat(
    {
      shape,
      leaseDurationSeconds: init.leaseDurationSeconds ?? d.leaseDurationSeconds,
      leaseRenewIntervalMs: init.leaseRenewIntervalMs ?? d.leaseRenewIntervalMs,
      nodeStatusIntervalMs: init.nodeStatusIntervalMs ?? d.nodeStatusIntervalMs,
      fieldManager,
    },
    { client: c.client, clock: c.clock, log },
  );
  // The watcher reports changes to the syncer, which is built after it.
  const onChange = (key: string): void => syncer.schedule(key);
  const watcher = createPodWatcher(
    { nodeName: shape.nodeName, retryIntervalMs },
    { client: c.client, clock: c.clock, onChange, log },
  );
  const syncer = createPodSyncer(
    { hostIP: shape.address, retryIntervalMs, fieldManager },
    { client: c.client, clock: c.clock, pods: watcher, rules, ips: new IpPool(shape.podCidr), log },
  );
  let registered = false;
  let started = false;
  let resync: TimerHandle | undefined;

  return {
    nodeName: shape.nodeName,
    rules,
    async start() {
      if (started) return;
      if (!registered) await heartbeat.register();
      else await heartbeat.postStatus();
      registered = true;
      await heartbeat.renewLease();
      await watcher.start();
      syncer.start();
      heartbeat.start();
      const every = init.podResyncIntervalMs ?? d.podResyncIntervalMs;
      resync = c.clock.setInterval(() => {
        for (const key of watcher.keys()) syncer.schedule(key);
      }, every);
      started = true;
    },
    async stop() {
      if (!started) return;
      started = false;
      c.clock.clearInterval(resync);
      await heartbeat.stop();
      await watcher.stop();
      await syncer.stop();
    },
    running: () => started,
    renewLease: () => heartbeat.renewLease(),
    postNodeStatus: () => heartbeat.postStatus(),
    async syncPods() {
      for (const key of watcher.keys()) syncer.schedule(key);
      await syncer.settled();
    },
    idle: () => syncer.idle(),
    lastLeaseRenewMs: () => heartbeat.lastLeaseRenewMs(),
    podIP: (uid) => syncer.podIP(uid),
  };
}
