import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyRule } from 'kubernetes-types/rbac/v1.js';
import type { RequestAttributes } from './attributes.ts';
import { ruleAllows } from './rbac-rules.ts';

const pods: RequestAttributes = { verb: 'get', apiGroup: '', resource: 'pods', namespace: 'ns' };

const cases: Array<[string, PolicyRule, RequestAttributes, boolean]> = [
  [
    'exact verb, group and resource',
    { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
    pods,
    true,
  ],
  ['another verb', { verbs: ['list'], apiGroups: [''], resources: ['pods'] }, pods, false],
  ['verb wildcard', { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, pods, true],
  ['another group', { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, pods, false],
  ['group wildcard', { verbs: ['get'], apiGroups: ['*'], resources: ['pods'] }, pods, true],
  ['no apiGroups at all', { verbs: ['get'], resources: ['pods'] }, pods, false],
  ['resource wildcard', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, pods, true],
  ['another resource', { verbs: ['get'], apiGroups: [''], resources: ['services'] }, pods, false],
  [
    'a resource rule does not grant its subresources',
    { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
    { ...pods, subresource: 'log' },
    false,
  ],
  [
    'resource/subresource',
    { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] },
    { ...pods, subresource: 'log' },
    true,
  ],
  [
    'resource/subresource does not grant the resource',
    { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] },
    pods,
    false,
  ],
  [
    '*/subresource matches that subresource of any resource',
    { verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] },
    { verb: 'update', apiGroup: 'apps', resource: 'deployments', subresource: 'scale' },
    true,
  ],
  [
    '*/subresource does not match the bare resource',
    { verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] },
    { verb: 'update', apiGroup: 'apps', resource: 'deployments' },
    false,
  ],
  [
    'pods/* is not a wildcard upstream',
    { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] },
    { ...pods, subresource: 'log' },
    false,
  ],
  [
    'resourceNames match the named object',
    { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] },
    { ...pods, name: 'web' },
    true,
  ],
  [
    'resourceNames exclude other names',
    { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] },
    { ...pods, name: 'db' },
    false,
  ],
  [
    'resourceNames never match a request without a name (list, create)',
    { verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] },
    { ...pods, verb: 'list' },
    false,
  ],
  [
    'exact non-resource URL',
    { verbs: ['get'], nonResourceURLs: ['/version'] },
    { verb: 'get', nonResourceURL: '/version' },
    true,
  ],
  [
    'non-resource URL with a trailing * is a prefix',
    { verbs: ['get'], nonResourceURLs: ['/apis/*'] },
    { verb: 'get', nonResourceURL: '/apis/apps/v1' },
    true,
  ],
  [
    'prefix * does not match the bare parent',
    { verbs: ['get'], nonResourceURLs: ['/apis/*'] },
    { verb: 'get', nonResourceURL: '/apis' },
    false,
  ],
  [
    'non-resource * matches every path',
    { verbs: ['*'], nonResourceURLs: ['*'] },
    { verb: 'post', nonResourceURL: '/anything' },
    true,
  ],
  [
    'non-resource URL rules do not grant resources',
    { verbs: ['get'], nonResourceURLs: ['*'] },
    pods,
    false,
  ],
  [
    'resource rules do not grant non-resource URLs',
    { verbs: ['get'], apiGroups: ['*'], resources: ['*'] },
    { verb: 'get', nonResourceURL: '/version' },
    false,
  ],
  [
    'non-resource verb must match',
    { verbs: ['get'], nonResourceURLs: ['/healthz'] },
    { verb: 'post', nonResourceURL: '/healthz' },
    false,
  ],
];

describe('ruleAllows', () => {
  for (const [name, rule, attrs, allowed] of cases) {
    it(`${allowed ? 'allows' : 'does not allow'}: ${name}`, () => {
      assert.equal(ruleAllows(rule, attrs), allowed);
    });
  }
});
