import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import { inCidr, ingressAllowed, type PolicyTarget } from './network-policy.ts';

const target: PolicyTarget = {
  namespace: 'default',
  labels: { app: 'hello' },
  portNames: { http: 8080 },
};
const nsLabels = (ns: string) => ({ team: ns === 'frontend' ? 'web' : 'other' });

function policy(spec: NetworkPolicy['spec']): NetworkPolicy {
  return { metadata: { name: 'p', namespace: 'default' }, spec };
}

const fromPod = (namespace: string, labels: Record<string, string>) => ({
  ip: '10.42.9.9',
  pod: { namespace, labels },
});

describe('NetworkPolicy ingress', () => {
  it('admits everything to a pod no policy selects', () => {
    const other = policy({ podSelector: { matchLabels: { app: 'db' } }, ingress: [] });
    assert.equal(ingressAllowed([other], target, 8080, { ip: '1.2.3.4' }, nsLabels), true);
  });

  it('denies everything to a selected pod when the policy has no rules', () => {
    const denyAll = policy({ podSelector: {}, policyTypes: ['Ingress'] });
    assert.equal(ingressAllowed([denyAll], target, 8080, fromPod('default', {}), nsLabels), false);
  });

  it('admits by podSelector within the policy namespace only', () => {
    const np = policy({
      podSelector: { matchLabels: { app: 'hello' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }] }],
    });
    const allowed = (src: ReturnType<typeof fromPod>) =>
      ingressAllowed([np], target, 8080, src, nsLabels);
    assert.equal(allowed(fromPod('default', { role: 'client' })), true);
    assert.equal(allowed(fromPod('default', { role: 'other' })), false);
    assert.equal(allowed(fromPod('frontend', { role: 'client' })), false);
  });

  it('admits by namespaceSelector and by named or ranged ports', () => {
    const np = policy({
      podSelector: {},
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { team: 'web' } } }],
          ports: [{ port: 'http' }, { port: 9000, endPort: 9010 }],
        },
      ],
    });
    const src = fromPod('frontend', {});
    assert.equal(ingressAllowed([np], target, 8080, src, nsLabels), true);
    assert.equal(ingressAllowed([np], target, 9005, src, nsLabels), true);
    assert.equal(ingressAllowed([np], target, 9011, src, nsLabels), false);
    assert.equal(ingressAllowed([np], target, 8080, fromPod('backend', {}), nsLabels), false);
  });

  it('admits outside clients only through an ipBlock, minus its exceptions', () => {
    const np = policy({
      podSelector: {},
      ingress: [{ from: [{ ipBlock: { cidr: '192.0.2.0/24', except: ['192.0.2.128/25'] } }] }],
    });
    assert.equal(ingressAllowed([np], target, 80, { ip: '192.0.2.7' }, nsLabels), true);
    assert.equal(ingressAllowed([np], target, 80, { ip: '192.0.2.200' }, nsLabels), false);
    assert.equal(ingressAllowed([np], target, 80, { ip: '198.51.100.1' }, nsLabels), false);
  });

  it('ignores egress-only policies for ingress', () => {
    const np = policy({ podSelector: {}, policyTypes: ['Egress'] });
    assert.equal(ingressAllowed([np], target, 80, { ip: '1.1.1.1' }, nsLabels), true);
  });

  it('tests CIDR membership', () => {
    assert.equal(inCidr('10.42.7.12', '10.42.7.0/24'), true);
    assert.equal(inCidr('10.42.8.12', '10.42.7.0/24'), false);
    assert.equal(inCidr('10.42.8.12', '0.0.0.0/0'), true);
  });
});
