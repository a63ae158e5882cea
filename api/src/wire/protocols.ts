/**
 * The bytes of the request/response protocols between agents and the control plane (and between
 * site peers), the revocation broadcast, and where the control plane tells agents its libp2p
 * addresses. Pure, so both sides share one definition; they meet here (DESIGN §3).
 *
 *   catch-up  request  {nodeName, haveRevision}          JSON
 *             response the latest signed NodeDesired envelope, or zero bytes: nothing newer
 *   status    request  {items: SignedEnvelope[]}         each a NodeStatus, PodStatusReport,
 *                                                        LeaseRenewal or EventReport signed by
 *                                                        the node's key,
 *                                                        at most `statusItemsMax`
 *             response {results: StatusResult[]}         one per item (and per pod of a report)
 *   revocation          a signed NodeRevocation on the cluster topic
 *   GET /wisp/v1/p2p    {peerId, addresses}              the control plane's libp2p node
 *
 *   const answer = decodeStatusAnswer(await gossip.request(server, statusProtocol,
 *     encodeStatusBatch({ items })));
 */
import { InvalidError } from '../validation/invalid-error.ts';
import {
  encodeEnvelope,
  signEnvelope,
  validateEnvelope,
  type EnvelopeSigningKey,
  type SignedEnvelope,
} from './envelope.ts';
import { wireApiVersion } from './messages.ts';
import { parseJsonObject } from './wire-fields.ts';

export const catchUpProtocol = '/wisp/catchup/1.0.0';
export const statusProtocol = '/wisp/status/1.0.0';
/** Container logs, asked of an agent by the control plane only (codec in `./log-messages.ts`). */
export const logsProtocol = '/wisp/v1/logs';

/** A node flushing its offline queue sends at most this many signed items per request. */
export const statusItemsMax = 64;
const nodeNameBytesMax = 253;

export interface CatchUpRequest {
  readonly nodeName: string;
  /** The revision the asker holds (0: none). */
  readonly haveRevision: number;
}

export interface StatusBatch {
  readonly items: readonly SignedEnvelope[];
}

export type StatusResultCode = 'ok' | 'refused' | 'invalid' | 'not-found' | 'conflict' | 'failed';

export interface StatusResult {
  /** Index of the item in the batch. */
  readonly item: number;
  readonly kind?: string;
  /** `namespace/name` for one pod of a PodStatusReport. */
  readonly pod?: string;
  readonly ok: boolean;
  readonly code: StatusResultCode;
  readonly message?: string;
}

export interface StatusAnswer {
  readonly results: readonly StatusResult[];
}

export interface NodeRevocationNotice {
  readonly apiVersion: typeof wireApiVersion;
  readonly kind: 'NodeRevocation';
  readonly nodeName: string;
  /** RFC 3339. */
  readonly revokedAt: string;
}

const encoder = new TextEncoder();

function onlyFields(v: Record<string, unknown>, what: string, known: readonly string[]): void {
  const unknown = Object.keys(v).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new InvalidError(`${what}.${unknown}: Invalid value: unknown`);
}

export function encodeCatchUpRequest(request: CatchUpRequest): Uint8Array {
  return encoder.encode(JSON.stringify(request));
}

export function decodeCatchUpRequest(bytes: Uint8Array): CatchUpRequest {
  const v = parseJsonObject(bytes, 'request');
  onlyFields(v, 'request', ['nodeName', 'haveRevision']);
  const { nodeName, haveRevision } = v;
  if (typeof nodeName !== 'string' || nodeName === '') {
    throw new InvalidError('request.nodeName: Required value');
  }
  if (nodeName.length > nodeNameBytesMax) {
    throw new InvalidError(`request.nodeName: Too long: may not be more than ${nodeNameBytesMax}`);
  }
  if (!Number.isSafeInteger(haveRevision) || (haveRevision as number) < 0) {
    throw new InvalidError('request.haveRevision: Invalid value: must be a non-negative integer');
  }
  return { nodeName, haveRevision: haveRevision as number };
}

export function encodeStatusBatch(batch: StatusBatch): Uint8Array {
  return encoder.encode(JSON.stringify({ items: batch.items }));
}

export function decodeStatusBatch(bytes: Uint8Array): StatusBatch {
  const v = parseJsonObject(bytes, 'batch');
  onlyFields(v, 'batch', ['items']);
  if (!Array.isArray(v.items)) throw new InvalidError('batch.items: Required value');
  if (v.items.length > statusItemsMax) {
    throw new InvalidError(`batch.items: Too many: must have at most ${statusItemsMax} items`);
  }
  v.items.forEach((item, i) => {
    const errs = validateEnvelope(item);
    if (errs.length) {
      throw new InvalidError(`batch.items[${i}].${errs[0].field}: ${errs[0].message}`);
    }
  });
  return { items: v.items as SignedEnvelope[] };
}

export function encodeStatusAnswer(answer: StatusAnswer): Uint8Array {
  return encoder.encode(JSON.stringify({ results: answer.results }));
}

export function decodeStatusAnswer(bytes: Uint8Array): StatusAnswer {
  const v = parseJsonObject(bytes, 'answer');
  if (!Array.isArray(v.results)) throw new InvalidError('answer.results: Required value');
  return { results: v.results as StatusResult[] };
}

export function sealRevocation(notice: NodeRevocationNotice, key: EnvelopeSigningKey): Uint8Array {
  return encodeEnvelope(signEnvelope(encoder.encode(JSON.stringify(notice)), key));
}

/** The notice inside verified payload bytes (see `openEnvelope`); InvalidError if malformed. */
export function decodeRevocation(payload: Uint8Array): NodeRevocationNotice {
  const v = parseJsonObject(payload, 'revocation');
  onlyFields(v, 'revocation', ['apiVersion', 'kind', 'nodeName', 'revokedAt']);
  if (v.apiVersion !== wireApiVersion || v.kind !== 'NodeRevocation') {
    throw new InvalidError(
      `revocation.kind: Unsupported value: want ${wireApiVersion} NodeRevocation`,
    );
  }
  if (typeof v.nodeName !== 'string' || v.nodeName === '') {
    throw new InvalidError('revocation.nodeName: Required value');
  }
  if (typeof v.revokedAt !== 'string')
    throw new InvalidError('revocation.revokedAt: Required value');
  return v as unknown as NodeRevocationNotice;
}

/** Public, like the CA: an address is no secret, and peer admission checks the certificate. */
export const p2pInfoPath = '/wisp/v1/p2p';
const p2pAddressesMax = 32;
const p2pAddressBytesMax = 512;

/** The control plane's libp2p identity and the multiaddrs (each ending `/p2p/<peerId>`). */
export interface P2pInfo {
  readonly peerId: string;
  readonly addresses: readonly string[];
}

export function decodeP2pInfo(text: string): P2pInfo {
  const v = parseJsonObject(encoder.encode(text), 'p2p');
  const { peerId, addresses } = v;
  if (typeof peerId !== 'string' || peerId === '') {
    throw new InvalidError('p2p.peerId: Required value');
  }
  if (!Array.isArray(addresses)) throw new InvalidError('p2p.addresses: Required value');
  if (addresses.length > p2pAddressesMax) {
    throw new InvalidError(`p2p.addresses: Too many: must have at most ${p2pAddressesMax} items`);
  }
  addresses.forEach((a, i) => {
    if (typeof a !== 'string' || a.length > p2pAddressBytesMax || !a.endsWith(`/p2p/${peerId}`)) {
      throw new InvalidError(`p2p.addresses[${i}]: Invalid value: must end in /p2p/${peerId}`);
    }
  });
  return { peerId, addresses: addresses as string[] };
}
