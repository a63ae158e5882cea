/**
 * A site's desired-state batch: the NodeDesired envelopes the distributor produced in one burst,
 * sent as one gossip message signed once. A store write that touches every node of a site (a
 * shared ConfigMap, a DaemonSet) would otherwise put N messages on the site topic, and every
 * agent would verify all N before relaying: N² signature checks across the site. With a batch,
 * an agent verifies the batch once and its own document once; the other entries are kept, still
 * individually signed, to answer site peers' catch-up (the asker verifies them).
 *
 * Binary, so an agent neither parses nor base64-decodes the documents it only relays:
 *
 *   "WDB1" | u32 BE header length | header JSON | entry bytes, concatenated | Ed25519 signature
 *
 * The header (`apiVersion`, `kind`, `site`, `keyId`, `entries: [{nodeName, revision, bytes}]`)
 * says how to cut the entries; the signature (64 bytes, the control plane's key `keyId`) covers
 * everything before it. Each entry is a node's own signed envelope, exactly as catch-up returns it.
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
  openEnvelope,
  signBytes,
  signedEnvelopeBytesMax,
  verifyBytes,
  type EnvelopeSigningKey,
  type TrustedKeys,
} from './envelope.ts';
import { decodeWireMessage, wireApiVersion, type NodeDesired } from './messages.ts';
import { asRecord, parseJsonObject } from './wire-fields.ts';

export interface DesiredBatchEntry {
  readonly nodeName: string;
  readonly revision: number;
  /** The node's own signed NodeDesired envelope, exactly as catch-up would return it. */
  readonly bytes: Uint8Array;
}

export interface DesiredBatch {
  readonly site: string;
  readonly entries: readonly DesiredBatchEntry[];
}

/** A site holds at most this many nodes' documents in one batch (the distributor splits). */
export const desiredBatchEntriesMax = 1024;
const MAGIC = new Uint8Array([0x57, 0x44, 0x42, 0x31]); // "WDB1"
const SIGNATURE_BYTES = 64;
/** Header JSON: a name and a revision per entry, far below this for the largest batch. */
const headerBytesMax = 256 * 1024;

/** What came in on a site topic. */
export type SiteMessage =
  | { readonly kind: 'NodeDesired'; readonly doc: NodeDesired }
  | { readonly kind: 'DesiredBatch'; readonly batch: DesiredBatch };

interface Header {
  readonly apiVersion: string;
  readonly kind: 'DesiredBatch';
  readonly site: string;
  readonly keyId: string;
  readonly entries: readonly { nodeName: string; revision: number; bytes: number }[];
}

export function sealDesiredBatch(
  site: string,
  entries: readonly DesiredBatchEntry[],
  key: EnvelopeSigningKey,
): Uint8Array {
  const header: Header = {
    apiVersion: wireApiVersion,
    kind: 'DesiredBatch',
    site,
    keyId: key.keyId,
    entries: entries.map((e) => ({
      nodeName: e.nodeName,
      revision: e.revision,
      bytes: e.bytes.byteLength,
    })),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, headerBytes.byteLength);
  const signed = Buffer.concat([MAGIC, length, headerBytes, ...entries.map((e) => e.bytes)]);
  return Buffer.concat([signed, signBytes(signed, key)]);
}

export function isDesiredBatch(bytes: Uint8Array): boolean {
  return bytes.byteLength >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Verifies a site-topic message and decodes it: one NodeDesired (fully validated) or a batch
 * (its header validated and signature checked; each entry is opened only by whoever uses it).
 * SignatureError for a bad signature or untrusted key; InvalidError for anything malformed.
 */
export function openSiteMessage(
  bytes: Uint8Array,
  trusted: TrustedKeys,
  bytesMax: number = signedEnvelopeBytesMax,
): SiteMessage {
  if (!isDesiredBatch(bytes)) {
    const payload = openEnvelope(decodeEnvelope(bytes, bytesMax), trusted);
    return { kind: 'NodeDesired', doc: decodeWireMessage(payload, 'NodeDesired') };
  }
  if (bytes.byteLength > bytesMax) {
    throw new InvalidError(`DesiredBatch: Too long: must have at most ${bytesMax} bytes`);
  }
  const { header, headerEnd } = readHeader(bytes);
  const signedEnd = bytes.byteLength - SIGNATURE_BYTES;
  const entriesBytes = header.entries.reduce((sum, e) => sum + e.bytes, 0);
  if (headerEnd + entriesBytes !== signedEnd) {
    throw new InvalidError('DesiredBatch: entries: Invalid value: lengths do not match the body');
  }
  verifyBytes(bytes.subarray(0, signedEnd), bytes.subarray(signedEnd), header.keyId, trusted);
  let at = headerEnd;
  const entries = header.entries.map((e) => {
    const entry = {
      nodeName: e.nodeName,
      revision: e.revision,
      bytes: new Uint8Array(bytes.subarray(at, at + e.bytes)),
    };
    at += e.bytes;
    return entry;
  });
  return { kind: 'DesiredBatch', batch: { site: header.site, entries } };
}

function readHeader(bytes: Uint8Array): { header: Header; headerEnd: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = MAGIC.length + 4;
  const length = bytes.byteLength >= start ? view.getUint32(MAGIC.length) : -1;
  if (
    length < 0 ||
    length > headerBytesMax ||
    start + length + SIGNATURE_BYTES > bytes.byteLength
  ) {
    throw new InvalidError('DesiredBatch: header: Invalid value: truncated or too long');
  }
  const value = parseJsonObject(bytes.subarray(start, start + length), 'DesiredBatch: header');
  const errs = validateDesiredBatchHeader(value);
  if (errs.length) {
    throw new InvalidError(`DesiredBatch is invalid: ${errs.map(formatFieldError).join(', ')}`, {
      causes: errs,
    });
  }
  return { header: value as unknown as Header, headerEnd: start + length };
}

export function validateDesiredBatchHeader(value: unknown): FieldError[] {
  const v = asRecord(value);
  if (!v) return [invalid('header', typeof value, 'must be an object')];
  const errs: FieldError[] = [];
  if (v.apiVersion !== wireApiVersion) {
    errs.push(notSupported('apiVersion', v.apiVersion, [wireApiVersion]));
  }
  if (v.kind !== 'DesiredBatch') errs.push(notSupported('kind', v.kind, ['DesiredBatch']));
  if (typeof v.site !== 'string') errs.push(required('site'));
  if (typeof v.keyId !== 'string' || v.keyId === '') errs.push(required('keyId'));
  if (!Array.isArray(v.entries)) return [...errs, required('entries')];
  if (v.entries.length > desiredBatchEntriesMax) {
    const why = `must have at most ${desiredBatchEntriesMax} items`;
    return [...errs, invalid('entries', v.entries.length, why)];
  }
  const seen = new Set<string>();
  v.entries.forEach((e: unknown, i: number) => errs.push(...entryErrors(e, `entries[${i}]`, seen)));
  return errs;
}

function entryErrors(e: unknown, path: string, seen: Set<string>): FieldError[] {
  const entry = asRecord(e);
  if (!entry) return [invalid(path, typeof e, 'must be an object')];
  const errs: FieldError[] = [];
  if (typeof entry.nodeName !== 'string' || entry.nodeName === '') {
    errs.push(required(`${path}.nodeName`));
  } else if (seen.has(entry.nodeName)) {
    errs.push(duplicate(`${path}.nodeName`, entry.nodeName));
  } else {
    seen.add(entry.nodeName);
  }
  for (const [field, min] of [
    ['revision', 1],
    ['bytes', 1],
  ] as const) {
    const n = entry[field];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
      errs.push(invalid(`${path}.${field}`, n, 'must be a positive integer'));
    }
  }
  return errs;
}
