/**
 * The Endpoints of one Service from its pods, as upstream's endpoints controller builds them:
 * ready pods in `addresses`, the rest in `notReadyAddresses` (each with nodeName and targetRef),
 * ports resolved from each Service port's targetPort (a name is looked up in the pod's
 * container ports), and pods grouped into one subset per identical set of ports.
 */
import type { KubeObject } from '@wisp/api';
import type {
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  Pod,
  ServicePort,
  ServiceSpec,
} from '@wisp/api';
import { isPodReady } from '../disruption/pdb-shape.ts';

/** The port a pod serves a Service port on, or undefined when a named port is missing. */
export function resolveTargetPort(port: ServicePort, pod: Pod): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** Whether a pod belongs in a Service's Endpoints at all (it has an IP and is not finished). */
function serves(pod: Pod, publishNotReady: boolean): boolean {
  const phase = pod.status?.phase;
  if (!pod.status?.podIP || phase === 'Succeeded' || phase === 'Failed') return false;
  return !pod.metadata?.deletionTimestamp || publishNotReady;
}

function addressOf(pod: Pod, serviceName: string): EndpointAddress {
  const m = pod.metadata!;
  const a: EndpointAddress = {
    ip: pod.status!.podIP!,
    targetRef: { kind: 'Pod', namespace: m.namespace, name: m.name, uid: m.uid },
  };
  if (pod.spec?.nodeName) a.nodeName = pod.spec.nodeName;
  if (pod.spec?.hostname && pod.spec.subdomain === serviceName) a.hostname = pod.spec.hostname;
  return a;
}

function portsFor(spec: ServiceSpec, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of spec.ports ?? []) {
    const port = resolveTargetPort(sp, pod);
    if (port === undefined) continue;
    const ep: EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
    if (sp.name) ep.name = sp.name;
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

const byAddress = (a: EndpointAddress, b: EndpointAddress) =>
  a.ip.localeCompare(b.ip, 'en', { numeric: true }) ||
  (a.targetRef?.name ?? '').localeCompare(b.targetRef?.name ?? '');

const portKey = (p: EndpointPort) => `${p.name ?? ''}/${p.port}/${p.protocol}`;

interface Group {
  readonly ports: EndpointPort[];
  readonly ready: EndpointAddress[];
  readonly notReady: EndpointAddress[];
}

export function buildSubsets(service: KubeObject, pods: readonly KubeObject[]): EndpointSubset[] {
  const spec = (service.spec ?? {}) as ServiceSpec;
  const name = service.metadata.name!;
  const headlessWithoutPorts = spec.clusterIP === 'None' && (spec.ports ?? []).length === 0;
  const publishNotReady = !!spec.publishNotReadyAddresses;
  const groups = new Map<string, Group>();
  for (const obj of pods) {
    const pod = obj as unknown as Pod;
    if (!serves(pod, publishNotReady)) continue;
    const ports = portsFor(spec, pod).sort((a, b) => portKey(a).localeCompare(portKey(b)));
    if (ports.length === 0 && !headlessWithoutPorts) continue;
    const key = ports.map(portKey).join(',');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, ready: [], notReady: [] }));
    const ready = publishNotReady || (isPodReady(obj) && !pod.metadata?.deletionTimestamp);
    (ready ? group.ready : group.notReady).push(addressOf(pod, name));
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, g]) => {
      const subset: EndpointSubset = {};
      if (g.ready.length) subset.addresses = g.ready.sort(byAddress);
      if (g.notReady.length) subset.notReadyAddresses = g.notReady.sort(byAddress);
      if (g.ports.length) subset.ports = g.ports;
      return subset;
    });
}
