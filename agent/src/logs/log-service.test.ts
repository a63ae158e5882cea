import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeLogAnswer, encodeLogRequest, type LogRequest } from '@wisp/api/wire/log-messages.ts';
import { logsProtocol } from '@wisp/api/wire/protocols.ts';
import { containerLogPath, openContainerLog, seededRandom, type SandboxStatus } from '@wisp/core';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { MemoryNetwork } from '@wisp/testkit/memory-gossip.ts';
import { createLogLocator } from '../pods/log-paths.ts';
import type { PodRecord } from '../pods/pod-records.ts';
import { createLogService } from './log-service.ts';

const root = mkdtempSync(join(tmpdir(), 'wisp-agent-logs-'));
after(() => rmSync(root, { recursive: true, force: true }));

const sandbox = { id: 'sb-1', podUid: 'uid-web' };

function record(restartCount: number, containerId: string | undefined): PodRecord {
  return {
    uid: 'uid-web',
    namespace: 'default',
    name: 'web',
    podIp: '10.42.0.2',
    startTimeMs: 0,
    sandbox,
    containers: [
      { name: 'app', restartCount, backoffMs: 0, backoffUntilMs: 0, containerId },
      { name: 'idle', restartCount: 0, backoffMs: 0, backoffUntilMs: 0 },
    ],
  };
}

function setup() {
  const dataDir = mkdtempSync(join(root, 'node-'));
  const clock = new FakeClock();
  const net = new MemoryNetwork({}, { clock, random: seededRandom(3) });
  const agent = net.node({ allowedTopics: [], peerId: 'agent' });
  const server = net.node({ allowedTopics: [], peerId: 'server' });
  const stranger = net.node({ allowedTopics: [], peerId: 'stranger' });
  net.link(agent, server);
  net.link(agent, stranger);
  const state = { records: [record(1, 'c-2')], running: true };
  const runtime = {
    async status(): Promise<SandboxStatus> {
      const current = state.running
        ? { state: 'running' as const, startedAtMs: 0 }
        : {
            state: 'exited' as const,
            exitCode: 1,
            startedAtMs: 0,
            finishedAtMs: 1,
            reason: 'Error',
          };
      return { sandbox, containers: [{ id: 'c-2', name: 'app', image: 'x', current }] };
    },
  };
  const locate = createLogLocator(
    { dataDir },
    {
      runtime,
      record: (ns, name) => state.records.find((r) => r.namespace === ns && r.name === name),
    },
  );
  const service = createLogService({ serverPeerId: 'server' }, { gossip: agent, locate });
  const logOf = (instance: number) =>
    openContainerLog(containerLogPath(dataDir, 'uid-web', 'app', instance), { clock });
  const ask = async (from: typeof server, request: Partial<LogRequest>) => {
    const full = { namespace: 'default', pod: 'web', container: 'app', ...request };
    const bytes = encodeLogRequest({ previous: false, timestamps: false, ...full });
    let outcome: { bytes?: Uint8Array; error?: unknown } | undefined;
    from.request('agent', logsProtocol, bytes, { timeoutMs: 1e9 }).then(
      (b) => (outcome = { bytes: b }),
      (error: unknown) => (outcome = { error }),
    );
    while (!outcome) await clock.advanceAsync(5);
    if (outcome.error) throw outcome.error;
    return decodeLogAnswer(outcome.bytes!);
  };
  const start = async () => {
    await Promise.all([agent.start(), server.start(), stranger.start(), service.start()]);
    await clock.advanceAsync(50);
  };
  return { state, service, logOf, ask, start, server, stranger };
}

describe('log service', () => {
  it('answers the control plane with the current instance log and where to go on', async () => {
    const t = setup();
    await t.start();
    const log = t.logOf(1);
    log.write('stdout', 'one\ntwo\n');
    const first = await t.ask(t.server, {});
    assert.ok(first.ok);
    assert.equal(first.text, 'one\ntwo\n');
    assert.equal(first.instance, 1);
    assert.equal(first.ended, false);
    log.write('stdout', 'three\n');
    const next = await t.ask(t.server, {
      sinceBytes: first.nextOffset,
      sinceFile: first.fileId,
      instance: first.instance,
    });
    assert.ok(next.ok);
    assert.equal(next.text, 'three\n');
    log.close();
  });

  it('serves the previous instance for previous=true, always as ended', async () => {
    const t = setup();
    await t.start();
    const old = t.logOf(0);
    old.write('stderr', 'crashed\n');
    old.close();
    t.logOf(1).write('stdout', 'now\n');
    const got = await t.ask(t.server, { previous: true });
    assert.deepEqual(got.ok && [got.text, got.instance, got.ended], ['crashed\n', 0, true]);
  });

  it('honours tailLines and timestamps', async () => {
    const t = setup();
    await t.start();
    t.logOf(1).write('stdout', 'a\nb\nc\n');
    const got = await t.ask(t.server, { tailLines: 1, timestamps: true });
    assert.ok(got.ok);
    assert.match(got.text, /^2025-01-01T00:00:00\.\d{9}Z c\n$/);
  });

  it('says ended once the container no longer runs, or a newer instance replaced it', async () => {
    const t = setup();
    await t.start();
    t.logOf(1).write('stdout', 'bye\n');
    t.state.running = false;
    const exited = await t.ask(t.server, {});
    assert.deepEqual(exited.ok && [exited.text, exited.ended], ['bye\n', true]);
    t.state.running = true;
    t.state.records = [record(2, 'c-3')];
    const pinned = await t.ask(t.server, { instance: 1, sinceBytes: 0 });
    assert.deepEqual(pinned.ok && [pinned.instance, pinned.ended], [1, true]);
  });

  it('refuses a peer that is not the control plane', async () => {
    const t = setup();
    await t.start();
    await assert.rejects(t.ask(t.stranger, {}), {
      name: 'GossipRemoteError',
      message: /peer stranger: logs are served to the control plane only/,
    });
  });

  it('says why when the pod, container or previous instance is not there', async () => {
    const t = setup();
    await t.start();
    assert.deepEqual(await t.ask(t.server, { pod: 'nope' }), {
      ok: false,
      code: 'not-found',
      message: 'pod "nope" is not running on this node',
    });
    assert.deepEqual(await t.ask(t.server, { container: 'idle' }), {
      ok: false,
      code: 'waiting',
      message: 'container "idle" in pod "web" is waiting to start: ContainerCreating',
    });
    assert.deepEqual(await t.ask(t.server, { container: 'idle', previous: true }), {
      ok: false,
      code: 'not-found',
      message: 'previous terminated container "idle" in pod "web" not found',
    });
  });

  it('answers an empty slice for a started container that wrote nothing yet', async () => {
    const t = setup();
    await t.start();
    const got = await t.ask(t.server, {});
    assert.deepEqual(got.ok && [got.text, got.nextOffset, got.more], ['', 0, false]);
  });
});
