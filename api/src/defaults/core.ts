/**
 * Defaults for core/v1 kinds other than pods, and for RBAC bindings.
 */
import { canonicalizeQuantities, child, existing, fill, isObj, items, type Obj } from './fill.ts';

export const defaultClientIPAffinitySeconds = 10800;
export const namespaceNameLabel = 'kubernetes.io/metadata.name';
const rbacGroup = 'rbac.authorization.k8s.io';

export function defaultService(svc: Obj): void {
  const spec = child(svc, 'spec');
  if (!spec) return;
  fill(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = child(child(spec, 'sessionAffinityConfig') ?? {}, 'clientIP');
    if (clientIP) fill(clientIP, 'timeoutSeconds', defaultClientIPAffinitySeconds);
  }
  fill(spec, 'type', 'ClusterIP');
  for (const port of items(spec, 'ports')) {
    fill(port, 'protocol', 'TCP');
    if (
      port.targetPort === undefined ||
      port.targetPort === null ||
      port.targetPort === 0 ||
      port.targetPort === ''
    ) {
      port.targetPort = port.port;
    }
  }
  const type = spec.type;
  const externalIPs = Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0;
  if (type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && externalIPs)) {
    fill(spec, 'externalTrafficPolicy', 'Cluster');
  }
  if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') {
    fill(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if (type === 'LoadBalancer') fill(spec, 'allocateLoadBalancerNodePorts', true);
}

/** Base64 of the UTF-8 bytes of `s`, without Node's Buffer. */
export function utf8Base64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** `stringData` is write-only: merged into `data` (winning over it) and dropped. */
export function defaultSecret(secret: Obj): void {
  fill(secret, 'type', 'Opaque');
  const stringData = existing(secret, 'stringData');
  if (stringData) {
    const data = child(secret, 'data') ?? {};
    for (const [k, v] of Object.entries(stringData)) data[k] = utf8Base64(String(v));
    delete secret.stringData;
  }
}

export function defaultNamespace(ns: Obj): void {
  const meta = child(ns, 'metadata');
  if (meta && typeof meta.name === 'string' && meta.name) {
    const labels = child(meta, 'labels');
    if (labels) labels[namespaceNameLabel] = meta.name;
  }
  const spec = child(ns, 'spec');
  // Only when absent: the namespace controller empties the list as it finalizes.
  if (spec && !Array.isArray(spec.finalizers)) spec.finalizers = ['kubernetes'];
  const status = child(ns, 'status');
  if (status) fill(status, 'phase', 'Active');
}

export function defaultNode(node: Obj): void {
  const status = existing(node, 'status');
  if (!status) return;
  canonicalizeQuantities(existing(status, 'capacity'));
  canonicalizeQuantities(existing(status, 'allocatable'));
  if (isObj(status.capacity) && (status.allocatable === undefined || status.allocatable === null)) {
    status.allocatable = { ...status.capacity };
  }
}

export function defaultEndpoints(ep: Obj): void {
  for (const subset of items(ep, 'subsets')) {
    for (const port of items(subset, 'ports')) fill(port, 'protocol', 'TCP');
  }
}

export function defaultRoleBinding(binding: Obj): void {
  const ref = existing(binding, 'roleRef');
  if (ref) fill(ref, 'apiGroup', rbacGroup);
  for (const s of items(binding, 'subjects')) {
    if (s.apiGroup) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = rbacGroup;
  }
}

export function defaultRuntimeClass(rc: Obj): void {
  canonicalizeQuantities(existing(existing(rc, 'overhead'), 'podFixed'));
}
