/**
 * One party of bench/mesh-overhead's two-node topology, in a process of its own (the
 * benchmark pins it to a CPU with taskset): an agent's libp2p node and mesh (and beside it a
 * plain TCP relay), a pod's HTTP backend, or the load generator. Driven over the IPC channel by
 * `spawnMeshProcess`.
 *
 *   const n1 = await spawnMeshProcess(0);
 *   const { peerId, addresses } = await n1.call({ op: 'agent', identity, caPem });
 */
import { spawn } from 'node:child_process';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { MeshDocument } from '@wisp/agent/mesh/mesh-state.ts';
import { seededRandom } from '@wisp/core';
import { measureHttp, type MeasureSpec } from './http-measure.ts';
import {
  agentVerifyPeer,
  closeServer,
  plainRelay,
  podBackend,
  startMeshNode,
  stopMeshNode,
  type HostPort,
  type MeshIdentity,
  type MeshNode,
  type PlainRelay,
} from './mesh-nodes.ts';

export type MeshProcessOp =
  | { readonly op: 'agent'; readonly identity: MeshIdentity; readonly caPem: string }
  | { readonly op: 'dial'; readonly address: string }
  | { readonly op: 'desired'; readonly doc: MeshDocument }
  | { readonly op: 'backend'; readonly podIp: string; readonly port: number; readonly name: string }
  | { readonly op: 'relay'; readonly listen: HostPort; readonly to: HostPort }
  | { readonly op: 'measure'; readonly spec: MeasureSpec };

export interface MeshProcess {
  call<T = unknown>(op: MeshProcessOp): Promise<T>;
  stop(): Promise<void>;
}

interface Reply {
  readonly id: number;
  readonly value?: unknown;
  readonly error?: string;
}

/** Starts this file in a child process pinned to `cpu`. */
export async function spawnMeshProcess(cpu: number): Promise<MeshProcess> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn('taskset', ['-c', String(cpu), process.execPath, self, 'child'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 0;
  child.on('message', (m: Reply) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error === undefined) w?.resolve(m.value);
    else w?.reject(new Error(m.error));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    for (const w of waiting.values()) w.reject(new Error(`mesh process on cpu ${cpu} exited`));
  });
  return {
    call<T>(op: MeshProcessOp) {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, op });
      });
    },
    async stop() {
      child.send({ id: -1, op: { op: 'stop' } });
      await exited;
    },
  };
}

async function child(): Promise<void> {
  let node: MeshNode | undefined;
  let backend: http.Server | undefined;
  let relay: PlainRelay | undefined;
  const run = async (op: MeshProcessOp): Promise<unknown> => {
    switch (op.op) {
      case 'agent': {
        const identity = { ...op.identity, nodeKey: Uint8Array.from(op.identity.nodeKey) };
        const verify = agentVerifyPeer(op.caPem);
        node = await startMeshNode(identity, verify, seededRandom(identity.index));
        return { peerId: node.gossip.peerId, addresses: node.gossip.addresses() };
      }
      case 'dial': {
        const peer = await node!.gossip.dial(op.address);
        while (!node!.gossip.peers().includes(peer)) await new Promise((r) => setImmediate(r));
        return peer;
      }
      case 'desired':
        await node!.mesh.setDesired(op.doc);
        return null;
      case 'backend':
        backend = await podBackend(op.podIp, op.port, op.name);
        return null;
      case 'relay':
        relay = await plainRelay(op.listen, op.to);
        return null;
      case 'measure':
        return measureHttp(op.spec);
    }
  };
  process.on('message', (m: { id: number; op: MeshProcessOp | { op: 'stop' } }) => {
    if (m.op.op === 'stop') {
      void (async () => {
        if (backend) await closeServer(backend);
        if (relay) await relay.close();
        if (node) await stopMeshNode(node);
        process.disconnect();
      })();
      return;
    }
    run(m.op).then(
      (value) => process.send!({ id: m.id, value }),
      (e: unknown) => process.send!({ id: m.id, error: String(e) }),
    );
  });
}

if (process.argv[2] === 'child') await child();
