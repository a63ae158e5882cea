/**
 * The agent's sync (DESIGN §5, §6): takes signed `NodeDesired` documents from the site topic (one
 * at a time or in the distributor's signed batches) and from catch-up, applies only those signed by the control plane's key, for this node, and newer
 * than what it holds (replay and rollback are ignored, bad signatures rejected so gossip
 * penalises the sender), persists the last one, and caches site peers' documents to relay them
 * and answer their catch-up.
 *
 *   const sync = createDesiredSync(
 *     { nodeName, site, dataDir, serverPeerId },
 *     { gossip, trusted, x25519SecretKey, onDesired: (state) => pods.setDesired(state) },
 *   );
 *   await sync.start(); // reloads the kept document, subscribes, asks for catch-up
 */
import type { Secret } from 'kubernetes-types/core/v1.js';
import { openSiteMessage, type DesiredBatch } from '@wisp/api/wire/desired-batch.ts';
import type { TrustedKeys } from '@wisp/api/wire/envelope.ts';
import { siteTopic, type NodeDesired } from '@wisp/api/wire/messages.ts';
import {
  catchUpProtocol,
  decodeCatchUpRequest,
  encodeCatchUpRequest,
} from '@wisp/api/wire/protocols.ts';
import type { Gossip, GossipValidation, Unsubscribe } from '@wisp/core';
import { loadDesiredEnvelope, saveDesiredEnvelope } from './desired-file.ts';
import { openSealedSecrets } from './open-secrets.ts';

export interface DesiredState {
  readonly doc: NodeDesired;
  readonly secrets: readonly Secret[];
}

export interface DesiredSyncInit {
  readonly nodeName: string;
  readonly site: string;
  readonly dataDir: string;
  /** The control plane's peer id: asked first for catch-up. */
  readonly serverPeerId?: string;
  /** Default 5 s. */
  readonly catchupTimeoutMs?: number;
  /** Site peers' documents kept for relaying; default 1024. */
  readonly siteDocumentsMax?: number;
}

export interface DesiredSyncComponents {
  readonly gossip: Gossip;
  /** The distributor's signing key, from the join state. */
  readonly trusted: TrustedKeys;
  readonly x25519SecretKey: Uint8Array;
  readonly onDesired: (state: DesiredState) => void;
  readonly onError?: (e: unknown) => void;
}

/** What became of one offered document. */
export type IngestOutcome = 'applied' | 'cached' | 'stale' | 'rejected';

export const desiredSyncDefaults = { catchupTimeoutMs: 5_000, siteDocumentsMax: 1024 } as const;

/** A site document we hold: a node's signed envelope (ours verified, the others as relayed). */
interface Held {
  readonly revision: number;
  readonly bytes: Uint8Array;
}

export class DesiredSync {
  readonly #init: DesiredSyncInit;
  readonly #c: DesiredSyncComponents;
  /** Newest verified envelope per node of our site, ours included. */
  readonly #held = new Map<string, Held>();
  #current: DesiredState | undefined;
  #persisting: Promise<void> = Promise.resolve();
  #offs: Unsubscribe[] = [];

  constructor(init: DesiredSyncInit, components: DesiredSyncComponents) {
    this.#init = init;
    this.#c = components;
  }

  get revision(): number {
    return this.#current?.doc.revision ?? 0;
  }

  current(): DesiredState | undefined {
    return this.#current;
  }

  async start(): Promise<void> {
    const kept = await loadDesiredEnvelope(this.#init.dataDir);
    if (kept) this.#ingest(kept, false);
    const topic = siteTopic(this.#init.site);
    const g = this.#c.gossip;
    this.#offs = [
      g.setValidator(topic, (bytes) => this.#validate(bytes)),
      g.handle(catchUpProtocol, (bytes) => this.answerCatchup(bytes)),
      g.onPeer((e) => {
        if (e.type === 'connect') void this.catchUpFrom([e.peer]);
      }),
    ];
    g.subscribe(topic);
    void this.catchUp();
  }

  async stop(): Promise<void> {
    for (const off of this.#offs) off();
    this.#offs = [];
    this.#c.gossip.unsubscribe(siteTopic(this.#init.site));
    await this.flush();
  }

  /** Resolves once every applied document is on disk. */
  flush(): Promise<void> {
    return this.#persisting;
  }

  /** Verifies and takes in one encoded envelope, from any source. */
  ingest(bytes: Uint8Array): IngestOutcome {
    return this.#ingest(bytes, true);
  }

  /** Asks the control plane first, then site peers; true if a newer document was applied. */
  async catchUp(): Promise<boolean> {
    const server = this.#init.serverPeerId;
    const peers = this.#c.gossip.peers();
    const order = [
      ...(server && peers.includes(server) ? [server] : []),
      ...peers.filter((p) => p !== server),
    ];
    return this.catchUpFrom(order);
  }

  async catchUpFrom(peers: readonly string[]): Promise<boolean> {
    for (const peer of peers) {
      if (await this.#askOne(peer)) return true;
    }
    return false;
  }

  /** The catch-up answer: our newest envelope for the node if newer than the asker's. */
  answerCatchup(bytes: Uint8Array): Uint8Array {
    const ask = decodeCatchUpRequest(bytes);
    const held = this.#held.get(ask.nodeName);
    return held && held.revision > ask.haveRevision ? held.bytes : new Uint8Array(0);
  }

  async #askOne(peer: string): Promise<boolean> {
    const ask = encodeCatchUpRequest({
      nodeName: this.#init.nodeName,
      haveRevision: this.revision,
    });
    try {
      const timeoutMs = this.#init.catchupTimeoutMs ?? desiredSyncDefaults.catchupTimeoutMs;
      const answer = await this.#c.gossip.request(peer, catchUpProtocol, ask, { timeoutMs });
      return answer.byteLength > 0 && this.ingest(answer) === 'applied';
    } catch (e) {
      this.#c.onError?.(e);
      return false;
    }
  }

  #validate(bytes: Uint8Array): GossipValidation {
    let outcome: IngestOutcome;
    try {
      const msg = openSiteMessage(bytes, this.#c.trusted);
      outcome =
        msg.kind === 'DesiredBatch'
          ? this.#ingestBatch(msg.batch)
          : this.#take(msg.doc, bytes, true);
    } catch (e) {
      this.#c.onError?.(e);
      outcome = 'rejected';
    }
    if (outcome === 'rejected') return 'reject';
    return outcome === 'stale' ? 'ignore' : 'accept';
  }

  /**
   * One signed batch: our own entry is opened and applied like any document (its own signature
   * checked); the others are held unopened for relaying, since the batch's signature covers them.
   */
  #ingestBatch(batch: DesiredBatch): IngestOutcome {
    let outcome: IngestOutcome = 'stale';
    for (const entry of batch.entries) {
      const held = this.#held.get(entry.nodeName);
      if (held && held.revision >= entry.revision) continue;
      if (entry.nodeName === this.#init.nodeName) {
        const own = this.#ingest(entry.bytes, true);
        if (own === 'rejected') return 'rejected';
        if (own === 'applied') outcome = 'applied';
      } else {
        this.#hold(entry.nodeName, { revision: entry.revision, bytes: entry.bytes });
        if (outcome === 'stale') outcome = 'cached';
      }
    }
    return outcome;
  }

  #ingest(bytes: Uint8Array, persist: boolean): IngestOutcome {
    let msg;
    try {
      msg = openSiteMessage(bytes, this.#c.trusted);
    } catch (e) {
      this.#c.onError?.(e);
      return 'rejected';
    }
    // A batch is not what catch-up or the disk hands us.
    if (msg.kind !== 'NodeDesired') return 'rejected';
    return this.#take(msg.doc, bytes, persist);
  }

  #take(doc: NodeDesired, bytes: Uint8Array, persist: boolean): IngestOutcome {
    const held = this.#held.get(doc.nodeName);
    if (held && held.revision >= doc.revision) return 'stale';
    if (doc.nodeName !== this.#init.nodeName) return this.#cache(doc, bytes);
    this.#held.set(doc.nodeName, { revision: doc.revision, bytes });
    const opened = openSealedSecrets(doc.sealedSecrets, this.#c.x25519SecretKey);
    if (opened.failed.length) {
      this.#c.onError?.(new Error(`sealed secrets did not open: ${opened.failed.join(', ')}`));
    }
    this.#current = { doc, secrets: opened.secrets };
    if (persist) this.#persist(bytes);
    this.#c.onDesired(this.#current);
    return 'applied';
  }

  #cache(doc: NodeDesired, bytes: Uint8Array): IngestOutcome {
    this.#hold(doc.nodeName, { revision: doc.revision, bytes });
    return 'cached';
  }

  #hold(nodeName: string, held: Held): void {
    const max = this.#init.siteDocumentsMax ?? desiredSyncDefaults.siteDocumentsMax;
    if (!this.#held.has(nodeName) && this.#held.size >= max) {
      // Drop the oldest entry that is not ours; our own document is never evicted.
      const victim = [...this.#held.keys()].find((n) => n !== this.#init.nodeName);
      if (victim !== undefined) this.#held.delete(victim);
    }
    this.#held.set(nodeName, held);
  }

  #persist(bytes: Uint8Array): void {
    const dir = this.#init.dataDir;
    this.#persisting = this.#persisting
      .then(() => saveDesiredEnvelope(dir, bytes))
      .catch((e: unknown) => this.#c.onError?.(e));
  }
}

export function createDesiredSync(
  init: DesiredSyncInit,
  components: DesiredSyncComponents,
): DesiredSync {
  return new DesiredSync(init, components);
}
