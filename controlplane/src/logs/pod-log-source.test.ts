import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KubeObject } from '@wisp/api';
import { decodeLogRequest, encodeLogAnswer, type LogRequest } from '@wisp/api/wire/log-messages.ts';
import { logsProtocol } from '@wisp/api/wire/protocols.ts';
import { openContainerLog, readContainerLog, seededRandom } from '@wisp/core';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { MemoryNetwork } from '@wisp/testkit/memory-gossip.ts';
import { statusFor } from '../apiserver/status.ts';
import { createPodLogSource } from './pod-log-source.ts';

const root = mkdtempSync(join(tmpdir(), 'wisp-cp-logs-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  spec: { nodeName: 'n1', containers: [{ name: 'app' }] },
};

/** A control plane and one agent whose log handler reads a real file (as the agent's does). */
function setup(agentReadBytesMax = 1 << 20) {
  const clock = new FakeClock();
  const net = new MemoryNetwork({}, { clock, random: seededRandom(9) });
  const server = net.node({ allowedTopics: [], peerId: 'server' });
  const agent = net.node({ allowedTopics: [], peerId: 'agent-n1' });
  net.link(server, agent);
  const path = join(root, `${n++}.log`);
  const log = openContainerLog(path, { clock });
  const state = { ended: false, refuse: undefined as string | undefined };
  const asked: LogRequest[] = [];
  agent.handle(logsProtocol, async (bytes) => {
    const r = decodeLogRequest(bytes);
    asked.push(r);
    if (state.refuse)
      return encodeLogAnswer({ ok: false, code: 'not-found', message: state.refuse });
    const ended = state.ended;
    const { namespace: _ns, pod: _p, container: _c, previous: _pr, instance: _i, ...o } = r;
    const slice = await readContainerLog(path, { ...o, readBytesMax: agentReadBytesMax });
    return encodeLogAnswer({ ok: true, ...slice, ended, instance: 0 });
  });
  const peers = new Map([['n1', 'agent-n1']]);
  const source = createPodLogSource(
    {},
    { clock, gossip: () => server, peerOf: (x) => peers.get(x) },
  );
  /** Runs `p` while moving the fake clock, as time passes for real. */
  const drive = async <T>(p: Promise<T>, msMax = 60_000): Promise<T> => {
    let settled = false;
    const watched = p.finally(() => (settled = true));
    watched.catch(() => {});
    for (let t = 0; !settled && t < msMax; t += 5) await clock.advanceAsync(5);
    return watched;
  };
  const start = async () => {
    await Promise.all([server.start(), agent.start()]);
    await clock.advanceAsync(50);
  };
  return { clock, net, server, agent, log, state, asked, peers, source, drive, start };
}

const decoder = new TextDecoder();

describe('pod log source', () => {
  it('reads the whole log in one string when it fits one slice', async () => {
    const t = setup();
    await t.start();
    t.log.write('stdout', 'hello\nworld\n');
    const body = await t.drive(t.source.read(pod, { follow: false, previous: false }, signal()));
    assert.equal(body, 'hello\nworld\n');
  });

  it('asks again at once while the agent says there is more', async () => {
    const t = setup(100);
    await t.start();
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i}\n`);
    t.log.write('stdout', lines.join(''));
    const body = await t.drive(t.source.read(pod, { follow: false, previous: false }, signal()));
    assert.ok(body instanceof ReadableStream);
    assert.equal(await t.drive(readAll(body)), lines.join(''));
    assert.ok(t.asked.length > 5);
    assert.ok(t.asked.slice(1).every((r) => r.sinceBytes !== undefined && !r.tailLines));
  });

  it('passes tailLines, timestamps, limitBytes and sinceSeconds to the agent', async () => {
    const t = setup();
    await t.start();
    t.log.write('stdout', 'a\nb\nc\n');
    const options = {
      follow: false,
      previous: true,
      tailLines: 2,
      timestamps: true,
      limitBytes: 1000,
      sinceSeconds: 60,
    };
    const asked = t.clock.now();
    const body = await t.drive(t.source.read(pod, options, signal()));
    assert.match(String(body), /^\S+Z b\n\S+Z c\n$/);
    assert.deepEqual(t.asked[0], {
      namespace: 'default',
      pod: 'web',
      container: 'app',
      previous: true,
      timestamps: true,
      tailLines: 2,
      sinceTimeMs: asked - 60_000,
      limitBytes: 1000,
    });
  });

  it('follows: new lines arrive by polling until the container ends', async () => {
    const t = setup();
    await t.start();
    t.log.write('stdout', 'first\n');
    const body = await t.drive(t.source.read(pod, { follow: true, previous: false }, signal()));
    assert.ok(body instanceof ReadableStream);
    const reader = body.getReader();
    assert.equal(decoder.decode((await t.drive(reader.read())).value), 'first\n');
    const next = reader.read();
    await t.clock.advanceAsync(2000);
    t.log.write('stdout', 'second\n');
    assert.equal(decoder.decode((await t.drive(next)).value), 'second\n');
    const polls = t.asked.length;
    t.log.write('stdout', 'last\n');
    t.state.ended = true;
    assert.equal(decoder.decode((await t.drive(reader.read())).value), 'last\n');
    assert.equal((await t.drive(reader.read())).done, true);
    assert.ok(t.asked.length - polls <= 2, 'polls every 500 ms, not in a busy loop');
  });

  it('stops following when the client goes away', async () => {
    const t = setup();
    await t.start();
    const ac = new AbortController();
    const body = await t.drive(t.source.read(pod, { follow: true, previous: false }, ac.signal));
    assert.ok(body instanceof ReadableStream);
    const reader = body.getReader();
    const pending = reader.read();
    await t.clock.advanceAsync(1200);
    const asked = t.asked.length;
    ac.abort();
    assert.equal((await t.drive(pending)).done, true);
    await t.clock.advanceAsync(5000);
    assert.equal(t.asked.length, asked);
  });

  it('answers a clear error when the node has no connected agent', async () => {
    const t = setup();
    await t.start();
    t.peers.clear();
    await assert.rejects(t.drive(t.source.read(pod, { follow: true, previous: false }, signal())), {
      name: 'NodeUnreachableError',
      message:
        'Get "wisp://n1/containerLogs/default/web/app": node n1 unreachable: ' +
        'its agent has not connected',
    });
  });

  it('fails with a 500 Status, not a hang, when the agent cannot be reached', async () => {
    const t = setup();
    await t.start();
    t.net.unlink(t.server, t.agent);
    await t.clock.advanceAsync(50);
    const failed = await t
      .drive(t.source.read(pod, { follow: false, previous: false }, signal()))
      .catch((e: unknown) => e);
    const status = statusFor(failed);
    assert.equal(status.code, 500);
    assert.match(
      String(status.message),
      /^Get "wisp:\/\/n1\/containerLogs\/default\/web\/app": node n1 unreachable: /,
    );
  });

  it('turns an agent refusal into a 400 with its message', async () => {
    const t = setup();
    await t.start();
    t.state.refuse = 'previous terminated container "app" in pod "web" not found';
    const failed = await t
      .drive(t.source.read(pod, { follow: false, previous: true }, signal()))
      .catch((e: unknown) => e);
    assert.deepEqual([statusFor(failed).code, statusFor(failed).message], [400, t.state.refuse]);
  });

  it('ends a follow after the agent stayed unreachable for followFailuresMax polls', async () => {
    const t = setup();
    await t.start();
    t.log.write('stdout', 'x\n');
    const body = await t.drive(t.source.read(pod, { follow: true, previous: false }, signal()));
    assert.ok(body instanceof ReadableStream);
    const reader = body.getReader();
    await t.drive(reader.read());
    t.net.unlink(t.server, t.agent);
    assert.equal((await t.drive(reader.read(), 120_000)).done, true);
  });
});

function signal(): AbortSignal {
  return new AbortController().signal;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += decoder.decode(chunk);
  return text;
}
