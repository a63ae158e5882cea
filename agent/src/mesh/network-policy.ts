/**
 * NetworkPolicy ingress evaluation, as the proxy on the destination side applies it: a pod no
 * policy selects takes everything; a selected pod takes a connection only if some rule of a
 * selecting policy admits both its source (podSelector / namespaceSelector / ipBlock) and its
 * port. Pure; selectors that do not parse select nothing.
 *
 *   ingressAllowed(policies, { namespace: 'default', labels, portNames }, 8080, source, nsLabels);
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type {
  IPBlock,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
} from 'kubernetes-types/networking/v1.js';
import { selectorFromLabelSelector, type Selector } from '@wisp/api';

export type Labels = Readonly<Record<string, string>>;

export interface PolicyTarget {
  readonly namespace: string;
  readonly labels: Labels;
  /** Container port names → numbers, for rules that name a port. */
  readonly portNames: Readonly<Record<string, number>>;
}

/** Who connects: a pod (namespace and labels known) or an outside client (an IP only). */
export interface PolicySource {
  readonly ip: string;
  readonly pod?: { readonly namespace: string; readonly labels: Labels };
}

export type NamespaceLabels = (namespace: string) => Labels | undefined;

export function ingressAllowed(
  policies: readonly NetworkPolicy[],
  target: PolicyTarget,
  port: number,
  source: PolicySource,
  namespaceLabels: NamespaceLabels,
): boolean {
  const selecting = policies.filter(
    (np) =>
      np.metadata?.namespace === target.namespace &&
      governsIngress(np) &&
      selects(np.spec?.podSelector ?? {}, target.labels),
  );
  if (selecting.length === 0) return true;
  return selecting.some((np) =>
    (np.spec?.ingress ?? []).some(
      (rule) =>
        portMatches(rule.ports, port, target) &&
        peersMatch(rule.from, source, np.metadata?.namespace ?? '', namespaceLabels),
    ),
  );
}

/** `policyTypes` defaults to Ingress (plus Egress when egress rules are given). */
function governsIngress(np: NetworkPolicy): boolean {
  const types = np.spec?.policyTypes;
  return !types || types.length === 0 || types.includes('Ingress');
}

function portMatches(
  ports: readonly NetworkPolicyPort[] | undefined,
  port: number,
  target: PolicyTarget,
): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== 'TCP') return false;
    if (p.port === undefined) return true;
    const start = typeof p.port === 'number' ? p.port : target.portNames[p.port];
    if (start === undefined) return false;
    const end = typeof p.port === 'number' && p.endPort !== undefined ? p.endPort : start;
    return port >= start && port <= end;
  });
}

function peersMatch(
  peers: readonly NetworkPolicyPeer[] | undefined,
  source: PolicySource,
  policyNamespace: string,
  namespaceLabels: NamespaceLabels,
): boolean {
  if (!peers || peers.length === 0) return true;
  return peers.some((peer) => {
    if (peer.ipBlock) return inBlock(source.ip, peer.ipBlock);
    const pod = source.pod;
    if (!pod) return false;
    if (peer.namespaceSelector) {
      const nsLabels = namespaceLabels(pod.namespace);
      if (!nsLabels || !selects(peer.namespaceSelector, nsLabels)) return false;
    } else if (pod.namespace !== policyNamespace) {
      return false;
    }
    return !peer.podSelector || selects(peer.podSelector, pod.labels);
  });
}

function selects(ls: LabelSelector, labels: Labels): boolean {
  let selector: Selector;
  try {
    selector = selectorFromLabelSelector(ls);
  } catch {
    return false;
  }
  return selector.matches(labels);
}

function inBlock(ip: string, block: IPBlock): boolean {
  return inCidr(ip, block.cidr) && !(block.except ?? []).some((c) => inCidr(ip, c));
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText ?? 32);
  const a = ipv4Number(ip);
  const b = ipv4Number(base);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

export function ipv4Number(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}
