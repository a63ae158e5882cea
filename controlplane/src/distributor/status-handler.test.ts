import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { findResource } from '@wisp/api';
import { decodeEnvelope } from '@wisp/api/wire/envelope.ts';
import { sealWireMessage, wireApiVersion, type WireMessage } from '@wisp/api/wire/messages.ts';
import { rfc3339, rfc3339Micro } from '@wisp/core';
import {
  decodeStatusAnswer,
  encodeStatusBatch,
  statusProtocol,
  type StatusResult,
} from '@wisp/api/wire/protocols.ts';
import { fixture, podObject, type Agent, type Fixture } from './test/fixture.ts';

const PODS = findResource('', 'pods')!;
const NODES = findResource('', 'nodes')!;
const LEASES = findResource('coordination.k8s.io', 'leases')!;

let f: Fixture;
let a: Agent;
let b: Agent;
beforeEach(async () => {
  f = await fixture();
  await f.seedNodes();
  await f.create('pods', podObject('web-a', 'edge-a'));
  await f.create('pods', podObject('web-b', 'edge-b'));
  a = await f.agent('edge-a', 1);
  b = await f.agent('edge-b', 2);
  await f.startDistributor();
});
afterEach(() => f.close());

const header = (nodeName: string) => ({
  apiVersion: wireApiVersion as typeof wireApiVersion,
  nodeName,
});
const now = () => rfc3339(f.clock.now());

async function podStatus(
  reporter: Agent,
  pod: string,
  opts: { nodeName?: string; signer?: Agent } = {},
): Promise<WireMessage> {
  const current = await f.registry.get(PODS, 'default', pod);
  return {
    ...header(opts.nodeName ?? reporter.nodeName),
    kind: 'PodStatusReport',
    observedAt: now(),
    pods: [
      {
        namespace: 'default',
        name: pod,
        uid: current.metadata.uid!,
        status: { phase: 'Running', podIP: '10.42.1.5' },
      },
    ],
  };
}

async function send(
  from: Agent,
  messages: WireMessage[],
  signer = from,
): Promise<readonly StatusResult[]> {
  const items = messages.map((m) => decodeEnvelope(sealWireMessage(m, signer.signKey)));
  const answer = from.gossip.request(f.cp.peerId, statusProtocol, encodeStatusBatch({ items }));
  await f.clock.advanceAsync(50);
  return decodeStatusAnswer(await answer).results;
}

const phaseOf = async (pod: string) =>
  ((await f.registry.get(PODS, 'default', pod)) as { status?: { phase?: string } }).status?.phase;

describe('status protocol', () => {
  it('applies a node’s own pod status, node status and lease renewal', async () => {
    const results = await send(a, [
      await podStatus(a, 'web-a'),
      {
        ...header('edge-a'),
        kind: 'NodeStatus',
        observedAt: now(),
        appliedRevision: 3,
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      },
      {
        ...header('edge-a'),
        kind: 'LeaseRenewal',
        renewTime: rfc3339Micro(f.clock.now()),
        leaseDurationSeconds: 40,
      },
    ]);
    assert.deepEqual(
      results.map((r) => [r.item, r.kind, r.code]),
      [
        [0, 'PodStatusReport', 'ok'],
        [1, 'NodeStatus', 'ok'],
        [2, 'LeaseRenewal', 'ok'],
      ],
    );
    assert.equal(await phaseOf('web-a'), 'Running');
    const node = (await f.registry.get(NODES, undefined, 'edge-a')) as {
      status?: { conditions?: { type: string }[] };
    };
    assert.equal(node.status?.conditions?.[0].type, 'Ready');
    const lease = (await f.registry.get(LEASES, 'kube-node-lease', 'edge-a')) as {
      spec?: { holderIdentity?: string };
    };
    assert.equal(lease.spec?.holderIdentity, 'edge-a');
  });

  it('removes a pod being deleted once its node reports it stopped, and only then', async () => {
    const removed = async (pod: string) => {
      const m = (await podStatus(a, pod)) as Extract<WireMessage, { kind: 'PodStatusReport' }>;
      return { ...m, pods: m.pods.map((p) => ({ ...p, removed: true })) };
    };
    const refused = await send(a, [await removed('web-a')]);
    assert.deepEqual(
      refused.map((r) => r.code),
      ['ok', 'conflict'],
      'not being deleted: the node cannot remove it',
    );
    assert.ok(await f.registry.get(PODS, 'default', 'web-a'));
    await f.registry.delete(PODS, 'default', 'web-a', { gracePeriodSeconds: 30 });
    const report = await removed('web-a');
    const results = await send(a, [report]);
    assert.deepEqual(
      results.map((r) => r.code),
      ['ok', 'ok'],
    );
    await assert.rejects(f.registry.get(PODS, 'default', 'web-a'), { code: 'ERR_NOT_FOUND' });
  });

  it('refuses node A’s status for a pod bound to node B and leaves that pod alone', async () => {
    const results = await send(a, [await podStatus(a, 'web-b')]);
    assert.equal(results[0].code, 'refused');
    assert.equal(results[0].ok, false);
    assert.equal(await phaseOf('web-b'), 'Pending');
  });

  it('refuses a message naming another node, even if that node’s key signed it', async () => {
    const forB = await podStatus(a, 'web-b', { nodeName: 'edge-b' });
    const [ownKey] = await send(a, [forB]);
    assert.equal(ownKey.code, 'refused');
    const [borrowedKey] = await send(a, [forB], b);
    assert.equal(borrowedKey.code, 'refused');
    assert.match(borrowedKey.message ?? '', /signature/);
    assert.equal(await phaseOf('web-b'), 'Pending');
  });

  it('refuses everything from a peer whose node has been revoked', async () => {
    f.revoked.add('edge-a');
    const answer = a.gossip.request(f.cp.peerId, statusProtocol, encodeStatusBatch({ items: [] }));
    const refused = assert.rejects(answer, { name: 'GossipRemoteError', message: /revoked/ });
    await f.clock.advanceAsync(50);
    await refused;
  });
});
