/**
 * `wisp server --data-dir DIR [--port N] [--host H] [--p2p-port N] [--p2p-host H]`: the control
 * plane on SQLite, the composition root that wires the real clock, randomness, store and libp2p
 * node (the distributor's gossip, with the control plane's own node certificate). Writes
 * `DIR/admin.kubeconfig` and `DIR/server.json`, and stops cleanly on SIGINT / SIGTERM.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemClock, systemRandom, type Clock, type NetworkGossip, type Random } from '@wisp/core';
import { clusterTopic, siteTopic, siteTopicPrefix } from '@wisp/api/wire/messages.ts';
import { findResource } from '@wisp/api';
import {
  createControlPlane,
  type ControlPlane,
  type ControlPlaneP2p,
} from '@wisp/controlplane/control-plane.ts';
import { loadOrCreateControlPlaneIdentity } from '@wisp/controlplane/join/control-plane-identity.ts';
import { createControlPlaneGossip } from '@wisp/controlplane/p2p/libp2p-adapter.ts';
import { zoneLabel } from '@wisp/controlplane/join/register-node.ts';
import { openSqliteStore } from '@wisp/controlplane/store/sqlite-store.ts';
import { intFlag, parseFlags } from '../flags.ts';
import { waitForSignal } from '../signals.ts';
import { parseDurationMs } from '../duration.ts';

export const serverCommand = {
  run: (args: string[]) => runServer(args),
};

async function runServer(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    'data-dir': { type: 'string', default: '.wisp/server' },
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'compact-interval': { type: 'string', default: '5m' },
    'p2p-port': { type: 'string' },
    'p2p-host': { type: 'string', default: '127.0.0.1' },
  });
  const dataDir = resolve(values['data-dir']!);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const clock = systemClock();
  const random = systemRandom();
  const store = openSqliteStore({ path: join(dataDir, 'state.db'), clock });
  const p2pListen = listenAddress(
    values['p2p-host']!,
    intFlag(values['p2p-port'], 'p2p-port', 6445),
  );
  let gossip: NetworkGossip | undefined;
  const cp: ControlPlane = createControlPlane(
    {
      dataDir,
      host: values.host,
      port: intFlag(values.port, 'port', 6443),
      compactIntervalMs: parseDurationMs(values['compact-interval']!, 'compact-interval'),
    },
    {
      clock,
      random,
      store,
      // Called during cp.start(), once the CA and the registry are open.
      gossip: async (p2p) =>
        (gossip = await createServerGossip(p2p, cp, { dataDir, listen: p2pListen, clock, random })),
    },
  );
  await cp.start();
  const kubeconfigPath = join(dataDir, 'admin.kubeconfig');
  const kubeconfig = await cp.kubeconfig({ user: 'admin', groups: ['system:masters'] });
  await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
  await writeFile(
    join(dataDir, 'server.json'),
    JSON.stringify({ url: cp.url(), pid: process.pid, p2p: gossip?.addresses() ?? [] }),
  );
  process.stdout.write(`wisp server ready at ${cp.url()}\nkubeconfig: ${kubeconfigPath}\n`);
  process.stdout.write(`p2p: ${gossip?.addresses().join(' ')}\n`);
  await waitForSignal();
  process.stdout.write('wisp server stopping\n');
  await cp.stop();
  await store.close();
  return 0;
}

function listenAddress(host: string, port: number): string {
  return `/${host.includes(':') ? 'ip6' : 'ip4'}/${host}/tcp/${port}`;
}

/**
 * The control plane's libp2p node. Site topics are allowed by prefix, so a site first named by a
 * token or Node after the start is served at once; the sites known now are also listed exactly,
 * which only gives their topics a validator and score weights before the first publish.
 */
async function createServerGossip(
  p2p: ControlPlaneP2p,
  cp: ControlPlane,
  opts: { dataDir: string; listen: string; clock: Clock; random: Random },
): Promise<NetworkGossip> {
  const { clock, random } = opts;
  const ca = cp.ca();
  const identity = await loadOrCreateControlPlaneIdentity(join(opts.dataDir, 'pki'), {
    ca,
    random,
  });
  const sites = new Set<string>(['']);
  for (const t of p2p.nodeJoin.tokens.list()) if (t.site) sites.add(t.site);
  const nodes = await cp.registry.list(findResource('', 'nodes')!, undefined);
  for (const n of nodes.items) {
    const site = n.metadata.labels?.[zoneLabel];
    if (site) sites.add(site);
  }
  return createControlPlaneGossip(
    {
      nodeKey: identity.ed25519Seed,
      certPem: identity.certPem,
      allowedTopics: [clusterTopic, ...[...sites].map(siteTopic)],
      allowedTopicPrefixes: [siteTopicPrefix],
      listen: [opts.listen],
    },
    { clock, random, verifyPeer: p2p.verifyPeer },
  );
}
