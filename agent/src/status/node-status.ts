/**
 * The node's own facts: its Kubernetes NodeStatus (Ready, capacity and allocatable from the OS,
 * addresses, node info) and the labels it registers with at join.
 */
import { arch, availableParallelism, hostname, release, totalmem, type } from 'node:os';
import type { NodeStatus as KubeNodeStatus } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '@wisp/core';

export const podsPerNodeMax = 110;

export interface NodeFacts {
  readonly hostIp: string;
  readonly hostname: string;
  readonly site: string;
  readonly runtimeClasses: readonly string[];
}

/** Node's `arm64` / `x64` in Kubernetes' GOARCH spelling. */
export function kubeArch(nodeArch: string = arch()): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };
  return map[nodeArch] ?? nodeArch;
}

export function nodeLabels(f: Omit<NodeFacts, 'hostIp'>): Record<string, string> {
  return {
    'kubernetes.io/arch': kubeArch(),
    'kubernetes.io/os': 'linux',
    'kubernetes.io/hostname': f.hostname,
    ...(f.site ? { 'topology.kubernetes.io/zone': f.site } : {}),
    // A label value cannot hold commas: runtimes are joined with dots.
    'wisp.dev/runtimes': f.runtimeClasses.join('.'),
  };
}

export function defaultHostname(): string {
  return hostname();
}

export function nodeStatusOf(f: NodeFacts, nowMs: number): KubeNodeStatus {
  const capacity = {
    cpu: String(availableParallelism()),
    memory: `${Math.floor(totalmem() / 1024)}Ki`,
    pods: String(podsPerNodeMax),
  };
  const t = rfc3339(nowMs);
  const cond = (kind: string, status: string, reason: string) => ({
    type: kind,
    status,
    reason,
    lastHeartbeatTime: t,
    lastTransitionTime: t,
  });
  return {
    capacity,
    allocatable: capacity,
    conditions: [
      cond('Ready', 'True', 'KubeletReady'),
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID'),
    ],
    addresses: [
      { type: 'InternalIP', address: f.hostIp },
      { type: 'Hostname', address: f.hostname },
    ],
    nodeInfo: {
      architecture: kubeArch(),
      operatingSystem: 'linux',
      osImage: `${type()} ${release()}`,
      kernelVersion: release(),
      kubeletVersion: 'v1.30.0-wisp',
      kubeProxyVersion: '',
      containerRuntimeVersion: `wisp://${f.runtimeClasses.join(',')}`,
      machineID: '',
      systemUUID: '',
      bootID: '',
    },
  };
}
