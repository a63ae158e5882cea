import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { findResource, type KubeObject } from '@wisp/api';
import { decodeEnvelope } from '@wisp/api/wire/envelope.ts';
import type { ReportedEvent } from '@wisp/api/wire/event-messages.ts';
import { sealWireMessage, wireApiVersion, type WireMessage } from '@wisp/api/wire/messages.ts';
import {
  decodeStatusAnswer,
  encodeStatusBatch,
  statusProtocol,
  type StatusResult,
} from '@wisp/api/wire/protocols.ts';
import { eventObjectName } from './status-events.ts';
import { fixture, podObject, type Agent, type Fixture } from './test/fixture.ts';

const PODS = findResource('', 'pods')!;
const EVENTS = findResource('', 'events')!;

interface EventJson extends KubeObject {
  involvedObject: { kind: string; name: string; namespace?: string; uid?: string };
  reason: string;
  message: string;
  type: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string; host: string };
}

let f: Fixture;
let a: Agent;
beforeEach(async () => {
  f = await fixture();
  await f.seedNodes();
  await f.create('pods', podObject('web-a', 'edge-a'));
  await f.create('pods', podObject('web-b', 'edge-b'));
  a = await f.agent('edge-a', 1);
  await f.startDistributor();
});
afterEach(() => f.close());

async function podEvent(pod: string, over: Partial<ReportedEvent> = {}): Promise<ReportedEvent> {
  const uid = (await f.registry.get(PODS, 'default', pod)).metadata.uid;
  return {
    involvedObject: {
      kind: 'Pod',
      namespace: 'default',
      name: pod,
      uid,
      fieldPath: 'spec.containers{app}',
    },
    type: 'Warning',
    reason: 'Failed',
    message: 'Failed to pull image "x": digest mismatch',
    count: 1,
    firstTimestamp: '2030-01-01T00:00:00Z',
    lastTimestamp: '2030-01-01T00:00:00Z',
    ...over,
  };
}

async function send(events: ReportedEvent[], nodeName = 'edge-a'): Promise<StatusResult[]> {
  const m: WireMessage = { apiVersion: wireApiVersion, kind: 'EventReport', nodeName, events };
  const items = [decodeEnvelope(sealWireMessage(m, a.signKey))];
  const answer = a.gossip.request(f.cp.peerId, statusProtocol, encodeStatusBatch({ items }));
  await f.clock.advanceAsync(50);
  return [...decodeStatusAnswer(await answer).results];
}

const events = async (ns: string) =>
  (await f.registry.list(EVENTS, ns)).items as unknown as EventJson[];

describe('events over the status protocol', () => {
  it("writes a pod's event in its namespace as the kubelet on that node", async () => {
    const e = await podEvent('web-a');
    const results = await send([e]);
    assert.deepEqual(
      results.map((r) => [r.kind, r.pod, r.code]),
      [['EventReport', 'default/web-a', 'ok']],
    );
    const [ev] = await events('default');
    assert.equal(ev.metadata.name, eventObjectName('edge-a', e));
    assert.deepEqual(ev.involvedObject, {
      apiVersion: 'v1',
      kind: 'Pod',
      name: 'web-a',
      namespace: 'default',
      uid: e.involvedObject.uid,
      fieldPath: 'spec.containers{app}',
    });
    assert.deepEqual(
      [ev.type, ev.reason, ev.message, ev.count],
      ['Warning', 'Failed', e.message, 1],
    );
    assert.deepEqual(ev.source, { component: 'kubelet', host: 'edge-a' });
  });

  it('counts a repeat on the same Event and moves its lastTimestamp', async () => {
    await send([await podEvent('web-a')]);
    const later = '2030-01-01T00:05:00Z';
    await send([await podEvent('web-a', { count: 3, lastTimestamp: later })]);
    const list = await events('default');
    assert.equal(list.length, 1);
    assert.equal(list[0].count, 4);
    assert.equal(list[0].firstTimestamp, '2030-01-01T00:00:00Z');
    assert.equal(list[0].lastTimestamp, later);
  });

  it('writes another message about the same pod as a new Event', async () => {
    await send([await podEvent('web-a'), await podEvent('web-a', { message: 'other' })]);
    assert.equal((await events('default')).length, 2);
  });

  it("files the node's own events in the default namespace", async () => {
    const nodeEvent: ReportedEvent = {
      involvedObject: { kind: 'Node', name: 'edge-a', uid: 'edge-a' },
      type: 'Normal',
      reason: 'NodeReady',
      message: 'Node edge-a status is now: NodeReady',
      count: 1,
      firstTimestamp: '2030-01-01T00:00:00Z',
      lastTimestamp: '2030-01-01T00:00:00Z',
    };
    const [r] = await send([nodeEvent]);
    assert.equal(r.code, 'ok');
    const [ev] = await events('default');
    assert.deepEqual(ev.involvedObject, {
      apiVersion: 'v1',
      kind: 'Node',
      name: 'edge-a',
      uid: 'edge-a',
    });
  });

  it("refuses events about another node's pod or another node, writing nothing", async () => {
    const other = await podEvent('web-b');
    const node: ReportedEvent = {
      ...other,
      involvedObject: { kind: 'Node', name: 'edge-b' },
    };
    const results = await send([other, node]);
    assert.deepEqual(
      results.map((r) => r.code),
      ['refused', 'refused'],
    );
    assert.match(results[0].message ?? '', /no pod "default\/web-b" bound to it/);
    assert.equal((await events('default')).length, 0);
  });

  it('refuses an event about an earlier pod of the same name and one about no pod', async () => {
    const stale = await podEvent('web-a', {});
    const gone = await podEvent('web-a');
    const results = await send([
      { ...stale, involvedObject: { ...stale.involvedObject, uid: 'old-uid' } },
      { ...gone, involvedObject: { ...gone.involvedObject, name: 'web-gone' } },
    ]);
    assert.deepEqual(
      results.map((r) => r.code),
      ['conflict', 'not-found'],
    );
    assert.equal((await events('default')).length, 0);
  });

  it('names an Event from a long pod name within 253 characters, stably', async () => {
    const e = await podEvent('web-a');
    const long = { ...e, involvedObject: { ...e.involvedObject, name: 'p'.repeat(253) } };
    const name = eventObjectName('edge-a', long);
    assert.ok(name.length <= 253, `${name.length}`);
    assert.match(name, /^p+\.[0-9a-f]{16}$/);
    assert.equal(eventObjectName('edge-a', { ...long, count: 9 }), name);
  });
});
