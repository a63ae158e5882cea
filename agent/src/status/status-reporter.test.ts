import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import nacl from 'tweetnacl';
import { openEnvelope } from '@wisp/api/wire/envelope.ts';
import type { AgentEvent } from '@wisp/api/wire/event-messages.ts';
import {
  decodeWireMessage,
  type PodStatusEntry,
  type WireMessage,
} from '@wisp/api/wire/messages.ts';
import {
  decodeStatusBatch,
  encodeStatusAnswer,
  statusItemsMax,
  statusProtocol,
} from '@wisp/api/wire/protocols.ts';
import { seededRandom } from '@wisp/core';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { MemoryNetwork } from '@wisp/testkit/memory-gossip.ts';
import { createStatusReporter } from './status-reporter.ts';

const backOff: AgentEvent = {
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' },
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container app in pod a',
};
const key = nacl.sign.keyPair.fromSeed(seededRandom(5).bytes(32));
const entry = (name: string, phase: string): PodStatusEntry => ({
  namespace: 'default',
  name,
  uid: `uid-${name}`,
  status: { phase },
});

function setup(statusQueueItemsMax = 100) {
  const clock = new FakeClock();
  const net = new MemoryNetwork({}, { clock, random: seededRandom(1) });
  const agent = net.node({ allowedTopics: [], peerId: 'agent' });
  const server = net.node({ allowedTopics: [], peerId: 'server' });
  agent.start();
  server.start();
  const got: WireMessage[] = [];
  const batchSizes: number[] = [];
  server.handle(statusProtocol, (bytes) => {
    const trusted = (id: string) => (id === 'n1' ? key.publicKey : undefined);
    const { items } = decodeStatusBatch(bytes);
    batchSizes.push(items.length);
    for (const item of items) got.push(decodeWireMessage(openEnvelope(item, trusted)));
    const results = items.map((_, item) => ({ item, ok: true, code: 'ok' as const }));
    return encodeStatusAnswer({ results });
  });
  const reporter = createStatusReporter(
    { nodeName: 'n1', serverPeerId: 'server', statusQueueItemsMax },
    {
      gossip: agent,
      clock,
      nodeKey: { keyId: 'n1', secretKey: key.secretKey },
      nodeStatus: () => ({ conditions: [{ type: 'Ready', status: 'True' }] }),
      appliedRevision: () => 3,
      podStatuses: () => [entry('a', 'Running')],
    },
  );
  const settle = async (ms = 200) => {
    for (let t = 0; t < ms; t += 10) await clock.advanceAsync(10);
  };
  return { clock, net, agent, server, reporter, got, batchSizes, settle };
}

describe('StatusReporter', () => {
  it('queues status while the control plane is unreachable and flushes it on reconnect', async () => {
    const { net, reporter, got, settle } = setup();
    reporter.start();
    reporter.reportPods([entry('a', 'Pending')]);
    reporter.reportPods([entry('a', 'Running')]);
    await settle();
    assert.equal(got.length, 0);
    assert.equal(reporter.queue.size, 5, 'node, lease, Starting, NodeReady and pod a');
    net.link('agent', 'server');
    await settle(500);
    assert.equal(reporter.queue.size, 0);
    const pods = got.filter((m) => m.kind === 'PodStatusReport');
    assert.deepEqual(
      pods.map((m) => m.pods[0].status.phase),
      ['Running'],
    );
    assert.ok(got.some((m) => m.kind === 'NodeStatus' && m.appliedRevision === 3));
    await reporter.stop();
  });

  it('renews the lease every 10 s while connected', async () => {
    const { net, reporter, got, settle, clock } = setup();
    net.link('agent', 'server');
    await settle();
    reporter.start();
    await settle();
    const leases = () => got.filter((m) => m.kind === 'LeaseRenewal').length;
    const before = leases();
    await clock.advanceAsync(30_000);
    await settle();
    assert.equal(leases() - before, 3);
    await reporter.stop();
  });

  it('flushes a long offline queue in batches of at most statusItemsMax signed items', async () => {
    const { net, reporter, got, batchSizes, settle } = setup(1000);
    reporter.start();
    const names = Array.from({ length: 70 }, (_, i) => `p${i}`);
    reporter.reportPods(names.map((n) => entry(n, 'Running')));
    net.link('agent', 'server');
    await settle(300);
    assert.equal(reporter.queue.size, 0);
    const reported = got.flatMap((m) => (m.kind === 'PodStatusReport' ? m.pods : []));
    assert.equal(new Set(reported.map((p) => p.name).filter((n) => n !== 'a')).size, 70);
    assert.ok(batchSizes.length >= 2, `batches: ${batchSizes.join(', ')}`);
    assert.ok(batchSizes.every((n) => n <= statusItemsMax));
    await reporter.stop();
  });

  it('holds at most statusQueueItemsMax entries while offline', async () => {
    const { reporter } = setup(4);
    reporter.start();
    reporter.reportPods(['a', 'b', 'c', 'd', 'e'].map((n) => entry(n, 'Running')));
    assert.equal(reporter.queue.size, 4);
    assert.equal(reporter.queue.dropped, 5, 'two node events, then node, lease and pod a');
    await reporter.stop();
  });

  it("sends the node's Starting and NodeReady events when it starts", async () => {
    const { net, reporter, got, settle } = setup();
    net.link('agent', 'server');
    await settle();
    reporter.start();
    await settle();
    const events = got.flatMap((m) => (m.kind === 'EventReport' ? m.events : []));
    assert.deepEqual(
      events.map((e) => [e.involvedObject.kind, e.involvedObject.name, e.reason, e.count]),
      [
        ['Node', 'n1', 'Starting', 1],
        ['Node', 'n1', 'NodeReady', 1],
      ],
    );
    await reporter.stop();
  });

  it('bumps the count of an event repeated while offline instead of queuing it again', async () => {
    const { net, reporter, got, settle, clock } = setup();
    reporter.start();
    const size = reporter.queue.size;
    reporter.reportEvent(backOff);
    await clock.advanceAsync(5_000);
    reporter.reportEvent(backOff);
    reporter.reportEvent(backOff);
    assert.equal(reporter.queue.size, size + 1);
    net.link('agent', 'server');
    await settle(500);
    const sent = got.flatMap((m) => (m.kind === 'EventReport' ? m.events : []));
    const e = sent.find((x) => x.reason === 'BackOff')!;
    assert.equal(e.count, 3);
    assert.equal(Date.parse(e.lastTimestamp) - Date.parse(e.firstTimestamp), 5_000);
    await reporter.stop();
  });

  it('drops queued events before any status when the queue is full', async () => {
    const { reporter } = setup(6);
    reporter.start();
    reporter.reportPods([entry('a', 'Running')]);
    reporter.reportEvent(backOff);
    reporter.reportEvent({ ...backOff, reason: 'Pulled', message: 'pulled' });
    reporter.reportPods(['b', 'c', 'd'].map((n) => entry(n, 'Running')));
    assert.deepEqual(
      reporter.queue.entries().map(([k]) => k),
      ['node', 'lease', 'pod/default/a', 'pod/default/b', 'pod/default/c', 'pod/default/d'],
    );
    assert.equal(reporter.queue.dropped, 4);
    await reporter.stop();
  });

  it('does not count twice an event repeated while its report was in flight', async () => {
    const { net, reporter, got, settle, server } = setup();
    net.link('agent', 'server');
    await settle();
    reporter.start();
    await settle();
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const inner = got.length;
    server.handle(statusProtocol, async (bytes) => {
      await held;
      const { items } = decodeStatusBatch(bytes);
      const trusted = (id: string) => (id === 'n1' ? key.publicKey : undefined);
      for (const item of items) got.push(decodeWireMessage(openEnvelope(item, trusted)));
      return encodeStatusAnswer({
        results: items.map((_, item) => ({ item, ok: true, code: 'ok' as const })),
      });
    });
    reporter.reportEvent(backOff);
    await settle(50);
    reporter.reportEvent(backOff);
    reporter.reportEvent(backOff);
    release();
    await settle(500);
    const counts = got
      .slice(inner)
      .flatMap((m) => (m.kind === 'EventReport' ? m.events : []))
      .filter((e) => e.reason === 'BackOff')
      .map((e) => e.count);
    assert.deepEqual(counts, [1, 2]);
    await reporter.stop();
  });
});
