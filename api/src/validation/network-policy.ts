/**
 * NetworkPolicy (networking.k8s.io/v1) as upstream validates it: selectors well formed, policy
 * types known, ports in range with `endPort` only after a numeric `port`, and a peer that is
 * either an `ipBlock` or selectors, never both.
 */
import type {
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
} from 'kubernetes-types/networking/v1.js';
import { validateLabelSelector, validatePortNumOrName } from './common.ts';
import { forbidden, invalid, notSupported, required, type FieldError } from './field-error.ts';
import { isSet, list, shape } from './helpers.ts';
import { child, index } from './path.ts';

const policyTypes = ['Ingress', 'Egress'];
const protocols = ['TCP', 'UDP', 'SCTP'];
const cidr = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function validateNetworkPolicy(np: NetworkPolicy): FieldError[] {
  const spec = shape<NonNullable<NetworkPolicy['spec']>>(np.spec);
  const errs: FieldError[] = [];
  if (!np.spec) return [required('spec')];
  errs.push(...validateLabelSelector(spec.podSelector, 'spec.podSelector'));
  list(spec.policyTypes).forEach((t, i) => {
    if (!policyTypes.includes(t))
      errs.push(notSupported(index('spec.policyTypes', i), t, policyTypes));
  });
  list(spec.ingress).forEach((rule, i) => {
    const at = index('spec.ingress', i);
    list(rule.ports).forEach((p, j) => errs.push(...portErrors(p, index(child(at, 'ports'), j))));
    list(rule.from).forEach((p, j) => errs.push(...peerErrors(p, index(child(at, 'from'), j))));
  });
  list(spec.egress).forEach((rule, i) => {
    const at = index('spec.egress', i);
    list(rule.ports).forEach((p, j) => errs.push(...portErrors(p, index(child(at, 'ports'), j))));
    list(rule.to).forEach((p, j) => errs.push(...peerErrors(p, index(child(at, 'to'), j))));
  });
  return errs;
}

function portErrors(p: NetworkPolicyPort, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(p.protocol) && !protocols.includes(String(p.protocol))) {
    errs.push(notSupported(child(path, 'protocol'), p.protocol, protocols));
  }
  if (isSet(p.port)) errs.push(...validatePortNumOrName(p.port, child(path, 'port')));
  if (p.endPort !== undefined && p.endPort !== null) {
    if (typeof p.port !== 'number') {
      errs.push(
        forbidden(child(path, 'endPort'), 'may not be specified when `port` is not a number'),
      );
    } else if (!Number.isInteger(p.endPort) || p.endPort < p.port || p.endPort > 65535) {
      errs.push(invalid(child(path, 'endPort'), p.endPort, 'must be from `port` to 65535'));
    }
  }
  return errs;
}

function peerErrors(p: NetworkPolicyPeer, path: string): FieldError[] {
  const selectors = isSet(p.podSelector) || isSet(p.namespaceSelector);
  if (isSet(p.ipBlock) && selectors) {
    return [forbidden(path, 'may not specify both ipBlock and another peer')];
  }
  if (!isSet(p.ipBlock) && !selectors) return [required(path, 'must specify a peer')];
  if (p.ipBlock) return ipBlockErrors(p.ipBlock, child(path, 'ipBlock'));
  return [
    ...validateLabelSelector(p.podSelector, child(path, 'podSelector')),
    ...validateLabelSelector(p.namespaceSelector, child(path, 'namespaceSelector')),
  ];
}

function ipBlockErrors(b: { cidr: string; except?: string[] }, path: string): FieldError[] {
  const errs = isCidr(b.cidr) ? [] : [invalid(child(path, 'cidr'), b.cidr, 'must be a valid CIDR')];
  list(b.except).forEach((e, i) => {
    if (!isCidr(e)) errs.push(invalid(index(child(path, 'except'), i), e, 'must be a valid CIDR'));
  });
  return errs;
}

function isCidr(v: unknown): boolean {
  const m = typeof v === 'string' ? cidr.exec(v) : null;
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}
