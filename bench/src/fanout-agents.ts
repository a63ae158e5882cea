/**
 * The agents of bench/gossip-fanout: each a real libp2p node with two DesiredSyncs (one fed by
 * gossip, one by direct request streams). They run in the bench's own process, or in child
 * processes (`--agent-processes N`) so that one agent's work — verifying, relaying copies to its
 * mesh peers — does not queue behind another's on a shared event loop. A child reports each
 * arrival with its absolute time (`performance.timeOrigin + performance.now()`), which the bench
 * turns into its own monotonic time.
 *
 *   const agents = await spawnFanoutAgents(2, context, specs, onArrival);
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrustedKeys } from '@wisp/api/wire/envelope.ts';
import { clusterTopic, siteTopic } from '@wisp/api/wire/messages.ts';
import { systemClock, systemRandom, type NetworkGossip, type VerifyPeer } from '@wisp/core';
import { createAgentGossip } from '@wisp/agent/p2p/libp2p-adapter.ts';
import { DesiredSync } from '@wisp/agent/sync/desired-sync.ts';
import { agentVerifyPeer } from './mesh-nodes.ts';

/** What every agent of a run shares. */
export interface FanoutContext {
  readonly site: string;
  readonly dir: string;
  readonly caPem: string;
  readonly serverPeerId: string;
  readonly signingKey: { readonly keyId: string; readonly publicKey: Uint8Array };
  readonly directProtocol: string;
}

/** One agent: its key, certificate and sealing key pair, made by the bench with the CA. */
export interface FanoutAgentSpec {
  readonly nodeName: string;
  readonly nodeKey: Uint8Array;
  readonly certPem: string;
  readonly boxSecretKey: Uint8Array;
}

export type ArrivalKind = 'gossip' | 'direct';

/** `atMs` on the bench's monotonic clock; `revision` the document the agent now holds. */
export type OnArrival = (kind: ArrivalKind, nodeName: string, atMs: number, rev: number) => void;

export interface FanoutAgents {
  /** Peer id per node name. */
  readonly peerIds: ReadonlyMap<string, string>;
  dial(address: string): Promise<void>;
  stop(): Promise<void>;
}

const loopback = ['/ip4/127.0.0.1/tcp/0'];

interface LocalAgent {
  readonly gossip: NetworkGossip;
  readonly syncs: readonly DesiredSync[];
}

async function startLocalAgent(
  ctx: FanoutContext,
  spec: FanoutAgentSpec,
  verifyPeer: VerifyPeer,
  onArrival: (kind: ArrivalKind, nodeName: string, revision: number) => void,
): Promise<LocalAgent> {
  const clock = systemClock();
  const random = systemRandom();
  const gossip = createAgentGossip(
    {
      nodeKey: spec.nodeKey,
      certPem: spec.certPem,
      allowedTopics: [clusterTopic, siteTopic(ctx.site)],
      listen: loopback,
    },
    { clock, random, verifyPeer },
  );
  const trusted: TrustedKeys = (keyId) =>
    keyId === ctx.signingKey.keyId ? ctx.signingKey.publicKey : undefined;
  const sync = (kind: ArrivalKind): DesiredSync => {
    const s: DesiredSync = new DesiredSync(
      {
        nodeName: spec.nodeName,
        site: ctx.site,
        dataDir: join(ctx.dir, spec.nodeName, kind),
        serverPeerId: ctx.serverPeerId,
      },
      {
        gossip,
        trusted,
        x25519SecretKey: spec.boxSecretKey,
        onDesired: () => onArrival(kind, spec.nodeName, s.revision),
        onError: () => {},
      },
    );
    return s;
  };
  const viaGossip = sync('gossip');
  const viaDirect = sync('direct');
  gossip.handle(ctx.directProtocol, (bytes) => {
    viaDirect.ingest(bytes);
    return new Uint8Array(0);
  });
  await gossip.start();
  await viaGossip.start();
  return { gossip, syncs: [viaGossip, viaDirect] };
}

async function stopLocal(agents: readonly LocalAgent[]): Promise<void> {
  await Promise.all(agents.map((a) => a.syncs[0].stop().catch(() => {})));
  await Promise.all(agents.map((a) => a.gossip.stop()));
}

/** Agents on the bench's own event loop. */
export async function startFanoutAgents(
  ctx: FanoutContext,
  specs: readonly FanoutAgentSpec[],
  onArrival: OnArrival,
): Promise<FanoutAgents> {
  const clock = systemClock();
  const verify = agentVerifyPeer(ctx.caPem);
  const agents = await Promise.all(
    specs.map((spec) =>
      startLocalAgent(ctx, spec, verify, (kind, name, rev) =>
        onArrival(kind, name, clock.monotonic(), rev),
      ),
    ),
  );
  return {
    peerIds: new Map(specs.map((s, i) => [s.nodeName, agents[i].gossip.peerId])),
    async dial(address) {
      await Promise.all(agents.map((a) => a.gossip.dial(address)));
    },
    stop: () => stopLocal(agents),
  };
}

type ToChild =
  | { readonly op: 'start'; readonly ctx: FanoutContext; readonly specs: FanoutAgentSpec[] }
  | { readonly op: 'dial'; readonly address: string }
  | { readonly op: 'stop' };

type FromChild =
  | { readonly op: 'started'; readonly peerIds: [string, string][] }
  | { readonly op: 'dialled' }
  | { readonly op: 'error'; readonly message: string }
  | {
      readonly op: 'arrival';
      readonly kind: ArrivalKind;
      readonly nodeName: string;
      readonly atEpochMs: number;
      readonly revision: number;
    };

/** The agents split round-robin over `processes` children. */
export async function spawnFanoutAgents(
  processes: number,
  ctx: FanoutContext,
  specs: readonly FanoutAgentSpec[],
  onArrival: OnArrival,
): Promise<FanoutAgents> {
  const self = fileURLToPath(import.meta.url);
  const children: ChildProcess[] = [];
  const peerIds = new Map<string, string>();
  const reply = (child: ChildProcess, op: FromChild['op']) =>
    new Promise<FromChild>((resolve, reject) => {
      const on = (m: FromChild) => {
        if (m.op !== op && m.op !== 'error') return;
        child.off('message', on);
        if (m.op === 'error') reject(new Error(m.message));
        else resolve(m);
      };
      child.on('message', on);
    });
  for (let p = 0; p < processes; p++) {
    const child = fork(self, ['child'], { serialization: 'advanced' });
    child.on('message', (m: FromChild) => {
      if (m.op !== 'arrival') return;
      onArrival(m.kind, m.nodeName, m.atEpochMs - performance.timeOrigin, m.revision);
    });
    children.push(child);
  }
  const started = children.map(async (child, p) => {
    const mine = specs.filter((_, i) => i % processes === p);
    const answer = reply(child, 'started');
    child.send({ op: 'start', ctx, specs: mine } satisfies ToChild);
    const m = (await answer) as Extract<FromChild, { op: 'started' }>;
    for (const [name, id] of m.peerIds) peerIds.set(name, id);
  });
  await Promise.all(started);
  return {
    peerIds,
    async dial(address) {
      await Promise.all(
        children.map((child) => {
          const answer = reply(child, 'dialled');
          child.send({ op: 'dial', address } satisfies ToChild);
          return answer;
        }),
      );
    },
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once('exit', () => resolve());
              child.send({ op: 'stop' } satisfies ToChild);
            }),
        ),
      );
    },
  };
}

async function child(): Promise<void> {
  let agents: LocalAgent[] = [];
  const send = (m: FromChild) => process.send!(m);
  process.on('message', (m: ToChild) => {
    const run = async () => {
      if (m.op === 'start') {
        const arrived = (kind: ArrivalKind, nodeName: string, revision: number) =>
          send({
            op: 'arrival',
            kind,
            nodeName,
            revision,
            atEpochMs: performance.timeOrigin + performance.now(),
          });
        const verify = agentVerifyPeer(m.ctx.caPem);
        agents = await Promise.all(m.specs.map((s) => startLocalAgent(m.ctx, s, verify, arrived)));
        send({
          op: 'started',
          peerIds: m.specs.map((s, i) => [s.nodeName, agents[i].gossip.peerId]),
        });
      } else if (m.op === 'dial') {
        await Promise.all(agents.map((a) => a.gossip.dial(m.address)));
        send({ op: 'dialled' });
      } else {
        await stopLocal(agents);
        process.disconnect();
      }
    };
    run().catch((e: unknown) => send({ op: 'error', message: String(e) }));
  });
}

if (process.argv[2] === 'child') await child();
