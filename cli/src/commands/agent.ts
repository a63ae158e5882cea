/**
 * `wisp agent`: the agent's composition root — real clock and randomness, the libp2p adapter,
 * and the wasm runtime (components and their transpiled output cached under the data dir).
 * The control plane's libp2p addresses come from `GET /wisp/v1/p2p` over the CA-pinned TLS and
 * are kept in the data dir, so a restart while the server is down still knows whom to dial.
 */
import { join, resolve } from 'node:path';
import {
  privateFileMode,
  readIfExists,
  systemClock,
  systemRandom,
  writeFileAtomic,
  type Clock,
  type SandboxSpec,
} from '@wisp/core';
import { decodeP2pInfo, p2pInfoPath, type P2pInfo } from '@wisp/api/wire/protocols.ts';
import { httpsRequest } from '@wisp/agent/bootstrap/https-client.ts';
import { fromBase64Url, signingKeyId } from '@wisp/api/wire/identity.ts';
import { clusterTopic, siteTopic, siteTopicPrefix } from '@wisp/api/wire/messages.ts';
import { bootstrapNode, createPeerTrust, parseJoinConfig } from '@wisp/agent/bootstrap/index.ts';
import { createAgent } from '@wisp/agent/agent.ts';
import { createMesh, type Mesh } from '@wisp/agent/mesh/mesh.ts';
import { createMeshOutgoingPolicy } from '@wisp/agent/mesh/outgoing-policy.ts';
import { createPeerBook } from '@wisp/agent/mesh/peer-book.ts';
import { createAgentGossip } from '@wisp/agent/p2p/libp2p-adapter.ts';
import { defaultHostname, nodeLabels } from '@wisp/agent/status/node-status.ts';
import { parseQuantity } from '@wisp/api';
import {
  createWasmRuntime,
  imageCacheBytesMaxDefault,
  OutgoingDeniedError,
  OutgoingHttpError,
  type OutgoingPolicy,
} from '@wisp/runtime-wasm';
import { defaultInsecureHosts } from '@wisp/runtime-wasm/image/registry-endpoint.ts';
import { parseFlags, UsageError } from '../flags.ts';
import { startMetricsServer } from '../metrics-server.ts';
import { waitForSignal } from '../signals.ts';

const usage =
  'usage: wisp agent --data-dir DIR --server URL [--token T] [--site S] [--name N]\n' +
  '                  [--listen MULTIADDR]... [--server-p2p MULTIADDR] [--peer MULTIADDR]...\n' +
  '                  [--image-cache-size QUANTITY] [--insecure-registry HOST]... [--allow-host-path]\n' +
  '                  [--node-ip IP] [--metrics-listen HOST:PORT]\n' +
  'Pods run as WASI components (runtimeClassName wasm); components are cached under\n' +
  '--data-dir/wasm up to --image-cache-size (default 1Gi). Registries on loopback and each\n' +
  '--insecure-registry are spoken to over plain http. hostPath volumes are refused unless\n' +
  '--allow-host-path is given. --server-p2p overrides the control plane libp2p address\n' +
  '(/p2p/<id>) that the agent otherwise asks the server for. --peer (repeatable) adds a site\n' +
  'peer to keep dialling, for sites without mDNS. NodePort services listen on --node-ip\n' +
  '(default 0.0.0.0; agents sharing one machine each take their own, e.g. 127.0.1.N).\n' +
  '--metrics-listen serves Prometheus metrics at /metrics (off by default).';
const p2pFile = 'server-p2p.json';

export const agentCommand = {
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags(args, {
      'data-dir': { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      site: { type: 'string' },
      name: { type: 'string' },
      listen: { type: 'string', multiple: true },
      'server-p2p': { type: 'string' },
      peer: { type: 'string', multiple: true },
      'image-cache-size': { type: 'string' },
      'insecure-registry': { type: 'string', multiple: true },
      'allow-host-path': { type: 'boolean' },
      'node-ip': { type: 'string' },
      'metrics-listen': { type: 'string' },
      help: { type: 'boolean' },
    });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (!values['data-dir'] || !values.server) throw new UsageError(usage);
    const dataDir = resolve(values['data-dir']);
    const clock = systemClock();
    const random = systemRandom();
    // Built after the gossip node; pods start later still, so every pod's policy sees it.
    const built: { mesh?: Mesh } = {};
    const runtime = createWasmRuntime(
      {
        cacheDir: join(dataDir, 'wasm'),
        imageCacheBytesMax: bytesFlag('image-cache-size', values['image-cache-size']),
        ...(values['insecure-registry']
          ? {
              insecureRegistries: [...defaultInsecureHosts, ...values['insecure-registry']],
            }
          : {}),
      },
      { clock, outgoing: (pod) => meshOutgoing(built.mesh, pod) },
    );
    const hostname = defaultHostname();
    const site = values.site ?? '';
    const config = parseJoinConfig({
      server: values.server,
      token: values.token,
      nodeName: values.name ?? hostname,
      site,
      labels: nodeLabels({ hostname, site, runtimeClasses: runtime.runtimeClasses }),
    });
    const creds = await bootstrapNode(config, { dataDir, clock, random });
    const server = await serverP2pOf(values['server-p2p'], creds.state, dataDir, clock);
    const trust = createPeerTrust({ caPem: creds.state.caPem }, { clock });
    const onError = (e: unknown) =>
      process.stderr.write(`wisp agent: ${e instanceof Error ? e.message : String(e)}\n`);
    const book = createPeerBook();
    const gossip = createAgentGossip(
      {
        nodeKey: creds.keys.ed25519Seed,
        certPem: creds.state.certificatePem,
        allowedTopics: [siteTopic(creds.state.site), clusterTopic],
        // As on the server, so both ends of a site topic apply the same rule.
        allowedTopicPrefixes: [siteTopicPrefix],
        bootstrap: [...server.addresses, ...(values.peer ?? [])],
        // A relay reservation always: peers with no direct route reach this node through it.
        ...(values.listen ? { listen: [...new Set([...values.listen, '/p2p-circuit'])] } : {}),
      },
      {
        clock,
        random,
        verifyPeer: book.verifyPeer((cert, peer) => trust.isCertificateTrusted(cert, peer)),
      },
    );
    const mesh = createMesh(
      {
        nodeName: creds.state.nodeName,
        nodeIp: values['node-ip'] ?? '0.0.0.0',
        relays: [...server.addresses, ...(values.peer ?? [])],
      },
      { gossip, clock, peers: book, onError },
    );
    built.mesh = mesh;
    const signingPublicKey = fromBase64Url(creds.state.signingPublicKey, 'signingPublicKey', 32);
    const agent = createAgent(
      {
        nodeName: creds.state.nodeName,
        site: creds.state.site,
        podCidr: creds.state.podCidr,
        dataDir,
        serverPeerId: server.peerId,
        hostname,
        signing: { keyId: creds.state.signingKeyId, publicKey: signingPublicKey },
        allowHostPath: values['allow-host-path'] ?? false,
      },
      {
        gossip,
        runtime,
        clock,
        nodeKey: {
          keyId: signingKeyId(creds.keys.ed25519PublicKey),
          secretKey: creds.keys.ed25519SecretKey,
        },
        x25519SecretKey: creds.keys.x25519SecretKey,
        // Renewed at 70-90% of the lifetime; the keys stay, so the peer id does too.
        certificates: {
          credentials: creds,
          random,
          setCertificate: (pem) => gossip.setCertificate(pem),
        },
        mesh,
        onError,
      },
    );
    await gossip.start();
    await agent.start();
    const metrics = values['metrics-listen']
      ? await startMetricsServer(values['metrics-listen'], () => mesh.metricsText())
      : undefined;
    process.stdout.write(
      `wisp agent: node "${creds.state.nodeName}" (${creds.keys.peerId}) running\n` +
        `p2p: ${gossip.addresses().join(' ')}\n`,
    );
    await waitForSignal();
    await metrics?.close();
    await agent.stop();
    await runtime.close();
    await gossip.stop();
    return 0;
  },
};

/**
 * A pod's outgoing HTTP goes through the mesh, with the pod as the NetworkPolicy source; the
 * errors are runtime-wasm's, so the guest sees `HTTP-request-denied` or a connection error.
 */
function meshOutgoing(mesh: Mesh | undefined, pod: SandboxSpec): OutgoingPolicy {
  if (!mesh) throw new Error('mesh not built before the first pod started');
  return createMeshOutgoingPolicy(
    mesh,
    { namespace: pod.namespace, name: pod.name, ip: pod.podIp, labels: pod.labels },
    {
      errors: {
        denied: (url, why) => new OutgoingDeniedError(url, why),
        failed: (url, why, cause) =>
          new OutgoingHttpError({ tag: 'destination-unavailable' }, `${url}: ${why}`, { cause }),
      },
    },
  );
}

/** A byte quantity flag (`512Mi`, `2Gi`). */
function bytesFlag(name: string, value: string | undefined): number {
  if (value === undefined) return imageCacheBytesMaxDefault;
  try {
    const bytes = parseQuantity(value).value();
    if (bytes > 0) return bytes;
  } catch {
    // reported below
  }
  throw new UsageError(`--${name}: Invalid value: "${value}": must be a positive quantity (1Gi)`);
}

/** The flag, else the server's answer (kept for offline restarts), else the kept answer. */
async function serverP2pOf(
  flag: string | undefined,
  state: { readonly server: string; readonly caPem: string },
  dataDir: string,
  clock: Clock,
): Promise<P2pInfo> {
  if (flag !== undefined) {
    const peerId = flag.split('/p2p/')[1] ?? '';
    if (!peerId || peerId.includes('/')) {
      throw new UsageError('--server-p2p must end in /p2p/<peer id>');
    }
    return { peerId, addresses: [flag] };
  }
  const path = join(dataDir, p2pFile);
  try {
    const url = new URL(p2pInfoPath, state.server).toString();
    const res = await httpsRequest({ url, tls: { caPem: state.caPem } }, { clock });
    if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}: ${res.text}`);
    const info = decodeP2pInfo(res.text);
    await writeFileAtomic(path, JSON.stringify(info), privateFileMode);
    return info;
  } catch (e) {
    const kept = await readIfExists(path);
    if (kept === undefined) throw e;
    process.stderr.write(`wisp agent: using the kept server address: ${String(e)}\n`);
    return decodeP2pInfo(kept);
  }
}
