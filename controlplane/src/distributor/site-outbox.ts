/**
 * Folds the documents the distributor signs within a short window into one signed batch per
 * site (api/src/wire/desired-batch.ts), so a write that changes every node of a site costs each
 * agent two signature checks instead of one per node. A batch is split at `batchBytesMax`; a
 * document too large to share a batch goes out alone as a plain NodeDesired.
 *
 *   const outbox = createSiteOutbox({}, { clock, signingKey, publish });
 *   outbox.add(site, doc); // published within windowMs, with whatever else arrived meanwhile
 */
import type { EnvelopeSigningKey } from '@wisp/api/wire/envelope.ts';
import { sealDesiredBatch, type DesiredBatchEntry } from '@wisp/api/wire/desired-batch.ts';
import { siteTopic } from '@wisp/api/wire/messages.ts';
import type { Clock, TimerHandle } from '@wisp/core';
import type { SignedDocument } from './node-document.ts';

export const siteOutboxDefaults = {
  /** How long the first document waits for others before the outbox looks again. */
  windowMs: 5,
  /** While the distributor is still building documents, a batch waits at most this long. */
  windowMaxMs: 100,
  /** Half the gossip message cap, so a batch never nears it. */
  batchBytesMax: 512 * 1024,
} as const;

export interface SiteOutboxInit {
  readonly windowMs?: number;
  readonly windowMaxMs?: number;
  readonly batchBytesMax?: number;
}

export interface SiteOutboxComponents {
  readonly clock: Clock;
  readonly signingKey: EnvelopeSigningKey;
  /** Publishes on a topic; failures are the caller's to log (catch-up repairs them). */
  readonly publish: (topic: string, bytes: Uint8Array, what: string) => Promise<void>;
  /**
   * Whether more documents of the same burst are still being built (a rollout touching every
   * node takes the workers longer than one window); the batch then waits, up to windowMaxMs.
   */
  readonly busy?: () => boolean;
}

export interface SiteOutbox {
  add(site: string, doc: SignedDocument): void;
  /** Publishes everything waiting now; resolves when handed to gossip. */
  flush(): Promise<void>;
  /** Nothing waits to be published. */
  idle(): boolean;
  /** Drops the timer; what waits is published by a final flush. */
  stop(): Promise<void>;
}

export function createSiteOutbox(init: SiteOutboxInit, c: SiteOutboxComponents): SiteOutbox {
  const o = { ...siteOutboxDefaults, ...init };
  /** Per site, the newest document per node. */
  let waiting = new Map<string, Map<string, SignedDocument>>();
  let timer: TimerHandle | undefined;
  let openedAtMs = 0;

  function tick(): void {
    if (c.busy?.() && c.clock.now() - openedAtMs < o.windowMaxMs) {
      timer = c.clock.setTimeout(tick, o.windowMs);
      return;
    }
    void flush();
  }

  async function flush(): Promise<void> {
    c.clock.clearTimeout(timer);
    timer = undefined;
    const sites = waiting;
    waiting = new Map();
    const sends: Promise<void>[] = [];
    for (const [site, docs] of sites) {
      for (const batch of split([...docs.values()], o.batchBytesMax)) {
        sends.push(send(site, batch));
      }
    }
    await Promise.all(sends);
  }

  function send(site: string, docs: readonly SignedDocument[]): Promise<void> {
    const topic = siteTopic(site);
    if (docs.length === 1 && docs[0].bytes.byteLength > o.batchBytesMax) {
      const [doc] = docs;
      return c.publish(topic, doc.bytes, `node ${doc.nodeName} r${doc.revision}`);
    }
    const entries: DesiredBatchEntry[] = docs.map((doc) => ({
      nodeName: doc.nodeName,
      revision: doc.revision,
      bytes: doc.bytes,
    }));
    const bytes = sealDesiredBatch(site, entries, c.signingKey);
    return c.publish(topic, bytes, `batch of ${docs.length} for site "${site}"`);
  }

  return {
    add(site, doc) {
      let docs = waiting.get(site);
      if (!docs) waiting.set(site, (docs = new Map()));
      docs.set(doc.nodeName, doc);
      if (timer === undefined) {
        openedAtMs = c.clock.now();
        timer = c.clock.setTimeout(tick, o.windowMs);
      }
    },
    flush,
    idle: () => waiting.size === 0,
    stop: flush,
  };
}

/** Consecutive runs whose envelope bytes stay within `bytesMax` (a lone large one alone). */
function split(docs: readonly SignedDocument[], bytesMax: number): SignedDocument[][] {
  const batches: SignedDocument[][] = [];
  let current: SignedDocument[] = [];
  let bytes = 0;
  for (const doc of docs) {
    const size = doc.bytes.byteLength + 128;
    if (current.length > 0 && bytes + size > bytesMax) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(doc);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
