/**
 * The agent after bootstrap (DESIGN §5): desired-state sync → pod manager → status reporter, on
 * one injected Gossip, runtime and clock. The composition root (`wisp agent`) builds the real
 * ones; tests pass MemoryGossip, FakeRuntime and a FakeClock.
 *
 *   const agent = createAgent(
 *     { nodeName, site, podCidr, dataDir, serverPeerId, signing },
 *     { gossip, runtime, clock, nodeKey, x25519SecretKey,
 *       certificates: { credentials, random, setCertificate: (p) => gossip.setCertificate(p) } },
 *   );
 *   await agent.start();
 */
import type { EnvelopeSigningKey } from '@wisp/api/wire/envelope.ts';
import {
  startAll,
  stopAll,
  type Clock,
  type Gossip,
  type PodRuntime,
  type Random,
  type Startable,
} from '@wisp/core';
import type { NodeCredentials } from './bootstrap/bootstrap.ts';
import {
  createCertificateRotator,
  type CertificateRotator,
  type CertificateRotatorInit,
} from './bootstrap/rotation.ts';
import { createPodManager, type PodManager, type PodManagerInit } from './pods/pod-manager.ts';
import { createLogService } from './logs/log-service.ts';
import type { Mesh } from './mesh/mesh.ts';
import { createLogLocator } from './pods/log-paths.ts';
import { defaultHostname, nodeStatusOf } from './status/node-status.ts';
import { createStatusReporter, type StatusReporter } from './status/status-reporter.ts';
import { createDesiredSync, type DesiredSync } from './sync/desired-sync.ts';

export interface AgentInit extends Omit<PodManagerInit, 'hostIp'> {
  readonly site: string;
  readonly serverPeerId: string;
  /** The distributor's signing key (from the join state): the only key documents may carry. */
  readonly signing: { readonly keyId: string; readonly publicKey: Uint8Array };
  readonly hostIp?: string;
  readonly hostname?: string;
  readonly statusQueueItemsMax?: number;
  readonly leaseIntervalMs?: number;
}

export interface AgentComponents {
  readonly gossip: Gossip;
  readonly runtime: PodRuntime;
  readonly clock: Clock;
  /** The node's Ed25519 key, signing its status. */
  readonly nodeKey: EnvelopeSigningKey;
  readonly x25519SecretKey: Uint8Array;
  /** Certificate rotation; without it the agent runs on its certificate until it expires. */
  readonly certificates?: AgentCertificates;
  /** The service mesh; it takes each applied document's services, endpoints and policies. */
  readonly mesh?: Mesh;
  readonly onError?: (e: unknown) => void;
}

export interface AgentCertificates extends CertificateRotatorInit {
  readonly credentials: NodeCredentials;
  readonly random: Random;
  /**
   * Takes each renewed certificate (the gossip node's `setCertificate`): new connections present
   * it, admitted ones stay up, so nothing running is dropped.
   */
  setCertificate(certPem: string): void;
  /** Replaces the network renewal (tests). */
  renew?(creds: NodeCredentials): Promise<NodeCredentials>;
}

export interface Agent {
  readonly sync: DesiredSync;
  readonly pods: PodManager;
  readonly status: StatusReporter;
  /** Present when `certificates` was given. */
  readonly rotator: CertificateRotator | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAgent(init: AgentInit, c: AgentComponents): Agent {
  const hostIp = init.hostIp ?? '127.0.0.1';
  const hostname = init.hostname ?? defaultHostname();
  const onError = c.onError;
  const status: StatusReporter = createStatusReporter(
    {
      nodeName: init.nodeName,
      serverPeerId: init.serverPeerId,
      ...(init.statusQueueItemsMax ? { statusQueueItemsMax: init.statusQueueItemsMax } : {}),
      ...(init.leaseIntervalMs ? { leaseIntervalMs: init.leaseIntervalMs } : {}),
    },
    {
      gossip: c.gossip,
      clock: c.clock,
      nodeKey: c.nodeKey,
      nodeStatus: () =>
        nodeStatusOf(
          { hostIp, hostname, site: init.site, runtimeClasses: c.runtime.runtimeClasses },
          c.clock.now(),
        ),
      appliedRevision: () => sync.revision,
      podStatuses: () => pods.statuses(),
      ...(onError ? { onError } : {}),
    },
  );
  const pods = createPodManager(
    { ...init, hostIp },
    {
      runtime: c.runtime,
      clock: c.clock,
      onStatus: (e) => status.reportPods(e),
      onEvent: (e) => status.reportEvent(e),
      ...opt(onError),
    },
  );
  const { keyId, publicKey } = init.signing;
  const sync = createDesiredSync(
    {
      nodeName: init.nodeName,
      site: init.site,
      dataDir: init.dataDir,
      serverPeerId: init.serverPeerId,
    },
    {
      gossip: c.gossip,
      trusted: (id) => (id === keyId ? publicKey : undefined),
      x25519SecretKey: c.x25519SecretKey,
      onDesired: (state) => {
        void pods.setDesired(state.doc.pods, {
          configMaps: state.doc.configMaps,
          secrets: state.secrets,
        });
        c.mesh?.setDesired(state.doc).catch((e: unknown) => onError?.(e));
      },
      ...opt(onError),
    },
  );
  // Pods first (they must know what ran before the first document arrives), then sync, then
  // status, so the first report already reflects the kept document.
  const rotator = c.certificates && rotatorOf(c.certificates, c.clock, onError);
  // `kubectl logs` through the control plane, read from the files the pod manager names.
  const logs = createLogService(
    { serverPeerId: init.serverPeerId },
    {
      gossip: c.gossip,
      locate: createLogLocator(
        { dataDir: init.dataDir },
        { runtime: c.runtime, record: (ns, name) => pods.record(ns, name) },
      ),
    },
  );
  const services: Startable[] = [
    pods,
    ...(c.mesh ? [c.mesh] : []),
    sync,
    status,
    logs,
    ...(rotator ? [rotator] : []),
  ];
  return {
    sync,
    pods,
    status,
    rotator,
    start: () => startAll(services),
    stop: () => stopAll(services),
  };
}

function rotatorOf(
  certs: AgentCertificates,
  clock: Clock,
  onError: ((e: unknown) => void) | undefined,
): CertificateRotator {
  const { credentials, random, setCertificate, renew, ...init } = certs;
  return createCertificateRotator(init, {
    clock,
    random,
    credentials,
    onRenewed: (next) => setCertificate(next.state.certificatePem),
    ...(renew ? { renew } : {}),
    ...opt(onError),
  });
}

function opt(onError: ((e: unknown) => void) | undefined) {
  return onError ? { onError } : {};
}
