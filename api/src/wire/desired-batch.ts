/**
 * A site's desired-state batch: the NodeDesired envelopes the distributor produced in one window,
 * sent as one gossip message signed once. A store write that touches every node of a site (a
 * shared ConfigMap, a DaemonSet) would otherwise put N messages on the site topic, and every
 * agent would verify all N before relaying: N² signature checks across the site. With a batch,
 * an agent verifies the batch once and its own document once; the other entries are kept, still
 * individually signed, to answer site peers' catch-up (the asker verifies them).
 *
 *   const bytes = sealDesiredBatch(site, entries, signingKey);   // distributor
 *   const msg = openSiteMessage(bytes, trusted);                  // agent: a batch or one document
 */
import { InvalidError } from '../validation/invalid-error.ts';
import {
  duplicate,
  formatFieldError,
  invalid,
  notSupported,
  required,
  type FieldError,
} from '../validation/field-error.ts';
import {
  decodeEnvelope,
  encodeEnvelope,
  openEnvelope,
  signEnvelope,
  signedEnvelopeBytesMax,
  validateEnvelope,
  type EnvelopeSigningKey,
  type SignedEnvelope,
  type TrustedKeys,
} from './envelope.ts';
import { decodeWireMessage, wireApiVersion, type NodeDesired } from './messages.ts';

export interface DesiredBatchEntry {
  readonly nodeName: string;
  readonly revision: number;
  /** The node's own signed NodeDesired, exactly as catch-up would return it. */
  readonly envelope: SignedEnvelope;
}

export interface DesiredBatch {
  readonly apiVersion: typeof wireApiVersion;
  readonly kind: 'DesiredBatch';
  readonly site: string;
  readonly entries: readonly DesiredBatchEntry[];
}

/** A site holds at most this many nodes' documents in one batch (the distributor splits). */
export const desiredBatchEntriesMax = 1024;

/** What came in on a site topic. */
export type SiteMessage =
  | { readonly kind: 'NodeDesired'; readonly doc: NodeDesired }
  | { readonly kind: 'DesiredBatch'; readonly batch: DesiredBatch };

export function sealDesiredBatch(
  site: string,
  entries: readonly DesiredBatchEntry[],
  key: EnvelopeSigningKey,
): Uint8Array {
  const batch: DesiredBatch = { apiVersion: wireApiVersion, kind: 'DesiredBatch', site, entries };
  return encodeEnvelope(signEnvelope(new TextEncoder().encode(JSON.stringify(batch)), key));
}

/**
 * Verifies a site-topic message and decodes it: one NodeDesired (fully validated) or a batch
 * (its structure validated; each entry's document is opened only by whoever uses it).
 * SignatureError for a bad signature or untrusted key; InvalidError for anything malformed.
 */
export function openSiteMessage(
  bytes: Uint8Array,
  trusted: TrustedKeys,
  bytesMax: number = signedEnvelopeBytesMax,
): SiteMessage {
  const payload = openEnvelope(decodeEnvelope(bytes, bytesMax), trusted);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (cause) {
    throw new InvalidError('message: Invalid value: not UTF-8 JSON', { cause });
  }
  if ((value as { kind?: unknown } | null)?.kind !== 'DesiredBatch') {
    return { kind: 'NodeDesired', doc: decodeWireMessage(payload, 'NodeDesired') };
  }
  const errs = validateDesiredBatch(value);
  if (errs.length) {
    throw new InvalidError(`DesiredBatch is invalid: ${errs.map(formatFieldError).join(', ')}`, {
      causes: errs,
    });
  }
  return { kind: 'DesiredBatch', batch: value as DesiredBatch };
}

/** The bytes of one entry's envelope, as a single-document message or catch-up answer. */
export function entryBytes(entry: DesiredBatchEntry): Uint8Array {
  return encodeEnvelope(entry.envelope);
}

export function validateDesiredBatch(value: unknown): FieldError[] {
  const v = value as Record<string, unknown>;
  const errs: FieldError[] = [];
  if (v.apiVersion !== wireApiVersion) {
    errs.push(notSupported('apiVersion', v.apiVersion, [wireApiVersion]));
  }
  for (const k of Object.keys(v)) {
    if (!['apiVersion', 'kind', 'site', 'entries'].includes(k)) {
      errs.push(invalid(k, k, 'unknown field'));
    }
  }
  if (typeof v.site !== 'string') errs.push(required('site'));
  if (!Array.isArray(v.entries)) return [...errs, required('entries')];
  if (v.entries.length > desiredBatchEntriesMax) {
    return [
      ...errs,
      invalid('entries', v.entries.length, `must have at most ${desiredBatchEntriesMax} items`),
    ];
  }
  const seen = new Set<string>();
  v.entries.forEach((e: unknown, i: number) => {
    const path = `entries[${i}]`;
    const entry = e as Record<string, unknown> | null;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errs.push(invalid(path, typeof e, 'must be an object'));
      return;
    }
    if (typeof entry.nodeName !== 'string' || entry.nodeName === '') {
      errs.push(required(`${path}.nodeName`));
    } else if (seen.has(entry.nodeName)) {
      errs.push(duplicate(`${path}.nodeName`, entry.nodeName));
    } else {
      seen.add(entry.nodeName);
    }
    const r = entry.revision;
    if (typeof r !== 'number' || !Number.isSafeInteger(r) || r < 1) {
      errs.push(invalid(`${path}.revision`, r, 'must be a positive integer'));
    }
    for (const fe of validateEnvelope(entry.envelope)) {
      errs.push({ ...fe, field: `${path}.${fe.field}` });
    }
  });
  return errs;
}
