import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '@wisp/api';
import type { RequestAttributes } from './attributes.ts';
import { createNodeAuthorizer } from './node-authorizer.ts';
import type { NodeGraph } from './node-authorizer-graph.ts';
import { unionAuthorizer } from './node-authorizer-union.ts';

const nodeA = { name: 'system:node:a', groups: ['system:nodes', 'system:authenticated'] };

function pod(name: string, nodeName: string, refs: { secret?: string; cm?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName,
      containers: [
        {
          name: 'c',
          image: 'i',
          envFrom: refs.cm ? [{ configMapRef: { name: refs.cm } }] : [],
        },
      ],
      volumes: refs.secret ? [{ name: 'v', secret: { secretName: refs.secret } }] : [],
    },
  };
}

const pods = [pod('pa', 'a', { secret: 'sa', cm: 'ca' }), pod('pb', 'b', { secret: 'sb' })];
const graph: NodeGraph = {
  podNode: async (ns, name) => pods.find((p) => p.metadata?.name === name)?.spec?.nodeName,
  podsOnNode: async (node) => pods.filter((p) => p.spec?.nodeName === node),
};
const authz = createNodeAuthorizer({ graph });

async function allowed(attrs: RequestAttributes, user = nodeA): Promise<boolean> {
  return (await authz.authorize(user, attrs)).allowed;
}

const core = (verb: string, resource: string, extra: Partial<RequestAttributes> = {}) => ({
  verb,
  apiGroup: '',
  resource,
  ...extra,
});

describe('createNodeAuthorizer', () => {
  const cases: [string, RequestAttributes, boolean][] = [
    ['get own node', core('get', 'nodes', { name: 'a' }), true],
    ['get another node', core('get', 'nodes', { name: 'b' }), false],
    ['watch nodes', core('watch', 'nodes'), true],
    ['create a node (admission checks the name)', core('create', 'nodes'), true],
    ['patch own node status', core('patch', 'nodes', { name: 'a', subresource: 'status' }), true],
    [
      'patch another node status',
      core('patch', 'nodes', { name: 'b', subresource: 'status' }),
      false,
    ],
    ['delete own node', core('delete', 'nodes', { name: 'a' }), false],
    ['get a pod bound here', core('get', 'pods', { namespace: 'default', name: 'pa' }), true],
    ['get a pod bound elsewhere', core('get', 'pods', { namespace: 'default', name: 'pb' }), false],
    ['get a missing pod', core('get', 'pods', { namespace: 'default', name: 'nope' }), false],
    ['list pods', core('list', 'pods', { namespace: 'default' }), true],
    ['create pods', core('create', 'pods', { namespace: 'default' }), false],
    [
      'patch status of a pod bound here',
      core('patch', 'pods', { namespace: 'default', name: 'pa', subresource: 'status' }),
      true,
    ],
    [
      'patch status of a pod bound elsewhere',
      core('patch', 'pods', { namespace: 'default', name: 'pb', subresource: 'status' }),
      false,
    ],
    [
      'update a pod bound here',
      core('update', 'pods', { namespace: 'default', name: 'pa' }),
      false,
    ],
    [
      'get a secret its pod mounts',
      core('get', 'secrets', { namespace: 'default', name: 'sa' }),
      true,
    ],
    [
      'get a secret of another node',
      core('get', 'secrets', { namespace: 'default', name: 'sb' }),
      false,
    ],
    ['list secrets', core('list', 'secrets', { namespace: 'default' }), false],
    [
      'get a configmap its pod uses',
      core('get', 'configmaps', { namespace: 'default', name: 'ca' }),
      true,
    ],
    ['watch services', core('watch', 'services'), true],
    ['get endpoints', core('get', 'endpoints', { namespace: 'default', name: 'e' }), true],
    ['delete services', core('delete', 'services', { namespace: 'default', name: 's' }), false],
    ['create events', core('create', 'events', { namespace: 'default' }), true],
    [
      'patch an event (count and lastTimestamp of a repeat)',
      core('patch', 'events', { namespace: 'prod', name: 'pa.0123456789abcdef' }),
      true,
    ],
    ['list events', core('list', 'events', { namespace: 'default' }), false],
    ['delete events', core('delete', 'events', { namespace: 'default', name: 'e' }), false],
    [
      'create events.k8s.io events',
      { verb: 'create', apiGroup: 'events.k8s.io', resource: 'events', namespace: 'default' },
      true,
    ],
    ['read namespaces', core('get', 'namespaces', { name: 'default' }), false],
    [
      'update own lease',
      {
        verb: 'update',
        apiGroup: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'kube-node-lease',
        name: 'a',
      },
      true,
    ],
    [
      'update another lease',
      {
        verb: 'update',
        apiGroup: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'kube-node-lease',
        name: 'b',
      },
      false,
    ],
    [
      'a lease outside kube-node-lease',
      { verb: 'create', apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: 'default' },
      false,
    ],
    [
      'list runtime classes',
      { verb: 'list', apiGroup: 'node.k8s.io', resource: 'runtimeclasses' },
      true,
    ],
    ['list deployments', { verb: 'list', apiGroup: 'apps', resource: 'deployments' }, false],
    ['a non-resource path', { verb: 'get', nonResourceURL: '/version' }, false],
  ];
  for (const [what, attrs, want] of cases) {
    it(`${want ? 'allows' : 'has no opinion on'} ${what}`, async () => {
      assert.equal(await allowed(attrs), want);
    });
  }

  it('has no opinion on users that are not nodes', async () => {
    const admin = { name: 'system:node:a', groups: ['system:masters'] };
    assert.equal(await allowed(core('get', 'nodes', { name: 'a' }), admin), false);
  });

  it('says why it refused a secret', async () => {
    const d = await authz.authorize(
      nodeA,
      core('get', 'secrets', { namespace: 'default', name: 'sb' }),
    );
    assert.equal(d.reason, "no relationship found between node 'a' and this object");
  });
});

describe('unionAuthorizer', () => {
  const no = (reason: string) => ({ authorize: async () => ({ allowed: false, reason }) });
  const yes = { authorize: async () => ({ allowed: true, reason: 'yes' }) };

  it('lets the first allowing authorizer win', async () => {
    const d = await unionAuthorizer([no('x'), yes, no('y')]).authorize(nodeA, core('get', 'pods'));
    assert.deepEqual(d, { allowed: true, reason: 'yes' });
  });

  it('joins the reasons of a refusal into the upstream 403 message', async () => {
    const u = unionAuthorizer([no('node says no'), no('')]);
    const attrs = core('get', 'secrets', { namespace: 'default', name: 's' });
    const d = await u.authorize(nodeA, attrs);
    assert.deepEqual(d, { allowed: false, reason: 'node says no' });
    assert.equal(
      u.forbiddenMessage(nodeA, attrs, d.reason),
      'secrets "s" is forbidden: User "system:node:a" cannot get resource "secrets" ' +
        'in API group "" in the namespace "default": node says no',
    );
  });
});
