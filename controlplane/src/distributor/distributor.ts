/**
 * The distributor (DESIGN §4, §6): for every Node, a signed `NodeDesired` document published on
 * the node's site topic whenever what it must run changes; the catch-up and status protocols; and
 * revocations broadcast on the cluster topic. A controller keyed by node name does the work:
 * informer events only mark nodes, a short debounce folds a burst (a rollout) into one document,
 * and `reconcile(node)` rebuilds, compares digests, and publishes only real changes.
 *
 *   const distributor = createDistributor({}, { registry, clock, random, gossip, peers,
 *     signingKey: nodeJoin.signingKey, authorizer, revocations: nodeJoin.revocations, log });
 *   await distributor.start();
 */
import { fromBase64Url, x25519PublicKeyBytes } from '@wisp/api/wire/identity.ts';
import type { EnvelopeSigningKey } from '@wisp/api/wire/envelope.ts';
import { clusterTopic, wireApiVersion } from '@wisp/api/wire/messages.ts';
import { rfc3339, type Clock, type Gossip, type Random, type Startable } from '@wisp/core';
import { meshPeerAddresses, type MaybePeerAddressBook } from './mesh-peer-addresses.ts';
import { createController, type ReconcileResult } from '../controllers/framework/controller.ts';
import { createInformerFactory, type InformerFactory } from '../informer/factory.ts';
import { x25519Annotation } from '../join/register-node.ts';
import type { NodeRevocation } from '../pki/node-revocations.ts';
import type { Registry } from '../registry/registry.ts';
import { createCatchUpHandler } from './catch-up-handler.ts';
import {
  contentDigest,
  desiredContent,
  endpointNodes,
  type DesiredSources,
} from './desired-content.ts';
import { createDesiredRevisions } from './desired-revisions.ts';
import { createInformerSources } from './informer-sources.ts';
import type { NodePeers } from './node-peers.ts';
import { signNodeDesired, type SignedDocument } from './node-document.ts';
import {
  catchUpProtocol,
  sealRevocation,
  statusProtocol,
  type NodeRevocationNotice,
} from '@wisp/api/wire/protocols.ts';
import { createStatusHandler, type StatusHandlerComponents } from './status-handler.ts';
import { createSiteOutbox, siteOutboxDefaults } from './site-outbox.ts';

/** The Node annotation with the node's X25519 key (base64url) that the join records. */
export { x25519Annotation };
export const zoneLabel = 'topology.kubernetes.io/zone';

export const distributorDefaults = {
  /** Changes to one node within this window make one document. */
  debounceMs: 25,
  /** Documents signed within this window go out as one batch per site (site-outbox.ts). */
  batchWindowMs: siteOutboxDefaults.windowMs,
  /** How soon a node whose secrets cannot be sealed yet (no key known) is tried again. */
  sealKeyRetryMs: 5_000,
  // Several nodes in flight let their revision writes share one commit.
  workers: 8,
} as const;

export interface DistributorInit {
  readonly debounceMs?: number;
  readonly batchWindowMs?: number;
  readonly sealKeyRetryMs?: number;
  readonly workers?: number;
}

export interface DistributorComponents {
  readonly registry: Registry;
  /** Shared informers, started by their owner; absent: the distributor makes and starts its own. */
  readonly informers?: InformerFactory;
  readonly clock: Clock;
  readonly random: Random;
  /** With an address book, documents tell nodes where their mesh peers listen. */
  readonly gossip: Gossip & MaybePeerAddressBook;
  readonly signingKey: EnvelopeSigningKey;
  readonly peers: NodePeers;
  readonly authorizer: StatusHandlerComponents['authorizer'];
  readonly revocations?: {
    isRevoked(nodeName: string): boolean;
    onRevoked(listener: (r: NodeRevocation) => void): () => void;
  };
  readonly log?: (message: string, error?: unknown) => void;
}

export interface Distributor extends Startable {
  /** The newest document signed for a node. */
  latest(nodeName: string): SignedDocument | undefined;
  /** Marks a node for a rebuild (after the debounce). */
  enqueue(nodeName: string): void;
  /** Nothing queued, in flight or waiting. */
  idle(): boolean;
}

interface Published extends SignedDocument {
  readonly digest: string;
}

export function createDistributor(init: DistributorInit, c: DistributorComponents): Distributor {
  const d = { ...distributorDefaults, ...withoutUndefined(init) };
  const log = c.log ?? (() => {});
  const ownInformers = c.informers ? undefined : createInformerFactory(c);
  const sources = createInformerSources(c.informers ?? ownInformers!);
  const docSources: DesiredSources = {
    ...sources,
    meshPeer(nodeName) {
      const id = c.peers.byNode(nodeName);
      return (
        id && { nodeName, peerId: id.peerId, addresses: meshPeerAddresses(c.gossip, id.peerId) }
      );
    },
  };
  const revisions = createDesiredRevisions({ store: c.registry.store });
  const latest = new Map<string, Published>();
  const pending = new Set<string>();
  const offs: (() => void)[] = [];

  function sealKeyOf(nodeName: string): Uint8Array | undefined {
    const node = sources.nodes.get(undefined, nodeName);
    const annotated = node?.metadata.annotations?.[x25519Annotation];
    if (annotated) {
      try {
        return fromBase64Url(
          annotated,
          `metadata.annotations[${x25519Annotation}]`,
          x25519PublicKeyBytes,
        );
      } catch (e) {
        log(`distributor: node ${nodeName}: bad ${x25519Annotation}`, e);
      }
    }
    return c.peers.byNode(nodeName)?.x25519PublicKey;
  }

  function siteOf(nodeName: string): string {
    const node = sources.nodes.get(undefined, nodeName);
    return node?.metadata.labels?.[zoneLabel] ?? c.peers.byNode(nodeName)?.site ?? '';
  }

  async function reconcile(nodeName: string): Promise<ReconcileResult | void> {
    pending.delete(nodeName);
    if (!sources.nodes.get(undefined, nodeName)) {
      latest.delete(nodeName);
      revisions.forget(nodeName);
      return;
    }
    const content = desiredContent(nodeName, docSources);
    const sealKey = sealKeyOf(nodeName);
    if (content.secrets.length > 0 && !sealKey) {
      log(`distributor: node ${nodeName}: no X25519 key yet; its secrets wait`);
      return { requeueAfterMs: d.sealKeyRetryMs };
    }
    const digest = contentDigest(content, sealKey);
    if (latest.get(nodeName)?.digest === digest) return;
    const revision = await revisions.reserve(nodeName, digest);
    let doc: SignedDocument;
    try {
      doc = signNodeDesired(content, revision, {
        sealKey,
        signingKey: c.signingKey,
        random: c.random,
      });
    } catch (e) {
      // Too large or unsealable: permanent until the objects change, which enqueues again.
      log(`distributor: node ${nodeName}: document not built`, e);
      return;
    }
    latest.set(nodeName, { ...doc, digest });
    outbox.add(siteOf(nodeName), doc);
  }

  async function publish(topic: string, bytes: Uint8Array, what: string): Promise<void> {
    try {
      await c.gossip.publish(topic, bytes);
    } catch (e) {
      // Nodes that missed it ask with catch-up; publishing again here would not reach them.
      log(`distributor: publish ${what} on ${topic} failed`, e);
    }
  }

  const outbox = createSiteOutbox(
    { windowMs: d.batchWindowMs },
    {
      clock: c.clock,
      signingKey: c.signingKey,
      publish,
      // Documents of the same burst still queued or being built join the batch.
      busy: () => !controller.idle() || pending.size > 0,
    },
  );

  function announceRevocation(r: NodeRevocation): void {
    const notice: NodeRevocationNotice = {
      apiVersion: wireApiVersion,
      kind: 'NodeRevocation',
      nodeName: r.nodeName,
      revokedAt: rfc3339(r.revokedAtMs),
    };
    void publish(clusterTopic, sealRevocation(notice, c.signingKey), `revocation ${r.nodeName}`);
  }

  const controller = createController(
    { name: 'distributor', workers: d.workers },
    { clock: c.clock, reconcile, log },
  );

  function enqueue(nodeName: string): void {
    // The first change opens the window; later ones ride along, so a long burst cannot starve it.
    if (pending.has(nodeName)) return;
    pending.add(nodeName);
    controller.enqueueAfter(nodeName, d.debounceMs);
  }
  sources.onNodesAffected((names) => names.forEach(enqueue));

  /** A node's (new) identity: its own document, and every mesh that may tunnel to it. */
  function learned(id: { nodeName: string }): void {
    enqueue(id.nodeName);
    enqueueMeshesOf(id.nodeName);
  }

  /**
   * A peer said where it listens (identify runs after admission, so a document built before
   * then has no addresses). Only the node's current peer id counts; one not admitted yet is
   * `learned` once it is, and its addresses are read then.
   */
  function addressesChanged(peerId: string): void {
    const id = c.peers.byPeer(peerId);
    if (id && c.peers.byNode(id.nodeName)?.peerId === peerId) enqueueMeshesOf(id.nodeName);
  }

  /** Every document naming `nodeName` as a mesh peer: all of them, if it hosts endpoints. */
  function enqueueMeshesOf(nodeName: string): void {
    if (!endpointNodes(sources.allEndpoints()).has(nodeName)) return;
    for (const node of sources.nodes.list()) enqueue(node.metadata.name!);
  }

  return {
    latest: (nodeName) => latest.get(nodeName),
    enqueue,
    idle: () => controller.idle() && pending.size === 0 && outbox.idle(),
    async start() {
      await ownInformers?.start();
      offs.push(
        c.gossip.handle(
          catchUpProtocol,
          createCatchUpHandler((n) => latest.get(n)),
        ),
      );
      offs.push(
        c.gossip.handle(
          statusProtocol,
          createStatusHandler({ ...c, isRevoked: c.revocations?.isRevoked.bind(c.revocations) }),
        ),
      );
      offs.push(c.peers.onLearned(learned));
      if (c.gossip.onPeerAddresses) offs.push(c.gossip.onPeerAddresses(addressesChanged));
      if (c.revocations) offs.push(c.revocations.onRevoked(announceRevocation));
      for (const node of sources.nodes.list()) enqueue(node.metadata.name!);
      controller.start();
    },
    async stop() {
      for (const off of offs.splice(0)) off();
      await controller.stop();
      await outbox.stop();
      await ownInformers?.stop();
    },
  };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
