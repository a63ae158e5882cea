/**
 * The Node a fake agent registers and the status it heartbeats, as pure functions of its shape
 * and the time: labels (hostname, arch, os, zone = site, Wisp's site and runtimes), capacity,
 * allocatable, addresses, node info, and the kubelet's conditions with stable transition times.
 */
import { createHash } from 'node:crypto';
import type { Condition, KubeObject } from '@wisp/api';
import { rfc3339 } from '@wisp/core';

export interface NodeResources {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: string;
}

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodeShape {
  readonly nodeName: string;
  readonly site: string;
  readonly arch: string;
  readonly os: string;
  readonly runtimes: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly capacity: NodeResources;
  readonly allocatable: NodeResources;
  readonly address: string;
  readonly podCidr: string;
  readonly kubeletVersion: string;
}

export const SITE_LABEL = 'wisp.dev/site';
export const RUNTIMES_LABEL = 'wisp.dev/runtimes';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
/** How `runtimes` are joined in the label value (label values allow only `-_.` and alnum). */
export const RUNTIMES_SEPARATOR = '.';

export function nodeLabels(shape: NodeShape): Record<string, string> {
  return {
    'kubernetes.io/hostname': shape.nodeName,
    'kubernetes.io/os': shape.os,
    'kubernetes.io/arch': shape.arch,
    [ZONE_LABEL]: shape.site,
    [SITE_LABEL]: shape.site,
    [RUNTIMES_LABEL]: shape.runtimes.join(RUNTIMES_SEPARATOR),
    ...shape.labels,
  };
}

/** The Node to create on first registration. */
export function nodeManifest(shape: NodeShape, nowMs: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: shape.nodeName, labels: nodeLabels(shape) },
    spec: {
      podCIDR: shape.podCidr,
      podCIDRs: [shape.podCidr],
      ...(shape.taints.length ? { taints: shape.taints.map((t) => ({ ...t })) } : {}),
    },
    status: nodeStatus(shape, nowMs, []),
  };
}

const CONDITIONS: [type: string, ok: boolean, reason: string, message: string][] = [
  [
    'MemoryPressure',
    false,
    'KubeletHasSufficientMemory',
    'kubelet has sufficient memory available',
  ],
  ['DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', true, 'KubeletReady', 'kubelet is posting ready status'],
];

/**
 * The status a heartbeat posts. A condition keeps its `lastTransitionTime` from `current` while
 * its status is unchanged (after a lost node was marked Unknown, Ready=True is a transition).
 */
export function nodeStatus(
  shape: NodeShape,
  nowMs: number,
  current: readonly Condition[],
): Record<string, unknown> {
  const now = rfc3339(nowMs);
  const conditions = CONDITIONS.map(([type, ok, reason, message]) => {
    const status = ok ? 'True' : 'False';
    const before = current.find((c) => c.type === type);
    const since = before?.status === status && before.lastTransitionTime;
    return {
      type,
      status,
      lastHeartbeatTime: now,
      lastTransitionTime: since || now,
      reason,
      message,
    };
  });
  const resources = (r: NodeResources) => ({ cpu: r.cpu, memory: r.memory, pods: r.pods });
  return {
    capacity: resources(shape.capacity),
    allocatable: resources(shape.allocatable),
    conditions,
    addresses: [
      { type: 'InternalIP', address: shape.address },
      { type: 'Hostname', address: shape.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: nodeInfo(shape),
  };
}

function nodeInfo(shape: NodeShape): Record<string, string> {
  const id = (what: string) =>
    createHash('sha256').update(`${what}:${shape.nodeName}`).digest('hex').slice(0, 32);
  return {
    machineID: id('machine'),
    systemUUID: id('system'),
    bootID: id('boot'),
    kernelVersion: '6.1.0-wisp',
    osImage: 'Wisp FakeAgent',
    containerRuntimeVersion: `wisp-fake://${shape.runtimes.join('+')}`,
    kubeletVersion: shape.kubeletVersion,
    kubeProxyVersion: '',
    operatingSystem: shape.os,
    architecture: shape.arch,
  };
}
