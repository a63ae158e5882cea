/**
 * The parts of a Service the allocators read and write, and the questions they ask of them.
 */
import type { Service, ServicePort, ServiceSpec } from '@wisp/api';
import type { KubeObject } from '@wisp/api';

export type { Service, ServicePort, ServiceSpec };

export function specOf(obj: KubeObject): ServiceSpec {
  obj.spec ??= {};
  return obj.spec as ServiceSpec;
}

export function needsClusterIP(spec: ServiceSpec | undefined): boolean {
  return (spec?.type ?? 'ClusterIP') !== 'ExternalName';
}

export function needsNodePorts(spec: ServiceSpec | undefined): boolean {
  if (spec?.type === 'NodePort') return true;
  return spec?.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false;
}

/** The real (allocated) cluster IPs of a spec: not `None`, not empty. */
export function clusterIPsOf(spec: ServiceSpec | undefined): string[] {
  if (!spec || !needsClusterIP(spec)) return [];
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None');
}

export function nodePortsOf(spec: ServiceSpec | undefined): number[] {
  return (spec?.ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n > 0);
}

/**
 * Fields only some Service types may have, cleared when an update changes the type and left
 * them as they were, as kube-apiserver's Service strategy does (so that `type: ClusterIP` on a
 * former NodePort Service does not fail validation over a defaulted `externalTrafficPolicy`).
 */
export function dropTypeDependentFields(spec: ServiceSpec, old: ServiceSpec): void {
  const external = (s: ServiceSpec) => s.type === 'NodePort' || s.type === 'LoadBalancer';
  if (!external(spec) && external(old)) {
    if (spec.externalTrafficPolicy === old.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  }
  if (spec.type !== 'LoadBalancer' && old.type === 'LoadBalancer') {
    if (spec.healthCheckNodePort === old.healthCheckNodePort) delete spec.healthCheckNodePort;
    if (spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts) {
      delete spec.allocateLoadBalancerNodePorts;
    }
    if (spec.loadBalancerClass === old.loadBalancerClass) delete spec.loadBalancerClass;
  }
}
