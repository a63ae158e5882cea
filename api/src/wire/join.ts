/**
 * The join protocol between an agent and the apiserver, and the join token that starts it.
 *
 * A token is `K10<sha256 of the CA's DER, hex>::<id>.<secret>` (k3s style): the agent checks the
 * CA it is shown against the hash before it sends the token, then joins over TLS pinned to that
 * CA. Keys travel as unpadded base64url of their raw 32 bytes.
 *
 *   const { caHash, credential } = parseJoinToken(token);
 *   POST /wisp/v1/join   Authorization: Bearer <token>   body: JoinRequest → JoinResponse
 *   POST /wisp/v1/renew  (client certificate)            body: {}          → JoinResponse
 */
import { createHash, X509Certificate } from 'node:crypto';
import { isDNS1123Label, isDNS1123Subdomain } from '../names/dns.ts';
import { isQualifiedName, isLabelValue } from '../names/labels.ts';
import { InvalidError } from '../validation/invalid-error.ts';
import {
  ed25519PublicKeyBytes,
  fromBase64Url,
  isIPv4Cidr,
  x25519PublicKeyBytes,
} from './identity.ts';

export const joinPath = '/wisp/v1/join';
export const renewPath = '/wisp/v1/renew';
export const caPath = '/wisp/v1/ca';
export const revocationsPath = '/wisp/v1/revocations';

export const joinTokenPrefix = 'K10';
/** Join requests and responses are small; anything larger is refused before parsing. */
export const joinBodyBytesMax = 64 * 1024;
export const joinLabelsMax = 64;

export interface JoinToken {
  /** Lower-case hex SHA-256 of the CA certificate's DER. */
  readonly caHash: string;
  readonly id: string;
  /** `<id>.<secret>`: what the server stores the hash of. */
  readonly credential: string;
}

const tokenPattern = /^K10([0-9a-f]{64})::([a-z0-9]{6})\.([a-z0-9]{16,64})$/;

/** Parses a join token; InvalidError saying which part is wrong (never echoing the secret). */
export function parseJoinToken(text: string): JoinToken {
  const token = text.trim();
  if (!token.startsWith(joinTokenPrefix)) {
    throw new InvalidError(`token: Invalid value: must start with "${joinTokenPrefix}"`);
  }
  const m = tokenPattern.exec(token);
  if (!m) {
    throw new InvalidError(
      'token: Invalid value: must be K10<64 hex digits of the CA hash>::<id>.<secret>',
    );
  }
  return { caHash: m[1], id: m[2], credential: `${m[2]}.${m[3]}` };
}

/** The SHA-256 of a PEM certificate's DER, in lower-case hex: what a join token pins. */
export function caCertificateHash(caPem: string): string {
  let der: Buffer;
  try {
    der = new X509Certificate(caPem).raw;
  } catch (cause) {
    throw new InvalidError('caPem: Invalid value: not a PEM certificate', { cause });
  }
  return createHash('sha256').update(der).digest('hex');
}

export function formatJoinToken(caHash: string, credential: string): string {
  return `${joinTokenPrefix}${caHash}::${credential}`;
}

export interface JoinRequest {
  readonly nodeName: string;
  /** '' for no site; a token bound to a site fills it in. */
  readonly site: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The node's libp2p identity key, which the certificate certifies. */
  readonly ed25519PublicKey: string;
  readonly x25519PublicKey: string;
}

export interface JoinResponse {
  readonly nodeName: string;
  readonly certificatePem: string;
  readonly caPem: string;
  readonly podCidr: string;
  readonly site: string;
  /** The distributor's Ed25519 key that signs every document the node will accept. */
  readonly signingPublicKey: string;
  readonly signingKeyId: string;
}

type Fields = Record<string, unknown>;

function objectOf(value: unknown, field: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidError(`${field}: Invalid value: must be an object`);
  }
  return value as Fields;
}

function stringOf(o: Fields, field: string, optional = false): string {
  const v = o[field];
  if (v === undefined && optional) return '';
  if (typeof v !== 'string') throw new InvalidError(`${field}: Required value`);
  return v;
}

/** Problems with a node name, as Kubernetes names nodes (a DNS-1123 subdomain). */
export function checkNodeName(name: string, field = 'nodeName'): void {
  if (!name) throw new InvalidError(`${field}: Required value`);
  const errs = isDNS1123Subdomain(name);
  if (errs.length) throw new InvalidError(`${field}: Invalid value: "${name}": ${errs[0]}`);
}

/** A site is one DNS label, so it can name a gossip topic and a label value. */
export function checkSite(site: string, field = 'site'): void {
  if (site === '') return;
  const errs = isDNS1123Label(site);
  if (errs.length) throw new InvalidError(`${field}: Invalid value: "${site}": ${errs[0]}`);
}

function labelsOf(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const o = objectOf(value, 'labels');
  const entries = Object.entries(o);
  if (entries.length > joinLabelsMax) {
    throw new InvalidError(
      `labels: Too many: ${entries.length}: must have at most ${joinLabelsMax}`,
    );
  }
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    const keyErrs = isQualifiedName(k);
    if (keyErrs.length) throw new InvalidError(`labels: Invalid value: "${k}": ${keyErrs[0]}`);
    if (typeof v !== 'string') throw new InvalidError(`labels[${k}]: Invalid value: not a string`);
    const valueErrs = isLabelValue(v);
    if (valueErrs.length) {
      throw new InvalidError(`labels[${k}]: Invalid value: "${v}": ${valueErrs[0]}`);
    }
    out[k] = v;
  }
  return out;
}

/** Checks a join request body field by field; InvalidError names the first bad field. */
export function validateJoinRequest(value: unknown): JoinRequest {
  const o = objectOf(value, 'body');
  const nodeName = stringOf(o, 'nodeName');
  checkNodeName(nodeName);
  const site = stringOf(o, 'site', true);
  checkSite(site);
  const ed25519PublicKey = stringOf(o, 'ed25519PublicKey');
  fromBase64Url(ed25519PublicKey, 'ed25519PublicKey', ed25519PublicKeyBytes);
  const x25519PublicKey = stringOf(o, 'x25519PublicKey');
  fromBase64Url(x25519PublicKey, 'x25519PublicKey', x25519PublicKeyBytes);
  return { nodeName, site, labels: labelsOf(o.labels), ed25519PublicKey, x25519PublicKey };
}

/** Checks a join or renew answer before the agent stores anything from it. */
export function validateJoinResponse(value: unknown): JoinResponse {
  const o = objectOf(value, 'body');
  const nodeName = stringOf(o, 'nodeName');
  checkNodeName(nodeName);
  const site = stringOf(o, 'site', true);
  checkSite(site);
  const podCidr = stringOf(o, 'podCidr');
  if (!isIPv4Cidr(podCidr)) throw new InvalidError(`podCidr: Invalid value: "${podCidr}"`);
  const signingPublicKey = stringOf(o, 'signingPublicKey');
  fromBase64Url(signingPublicKey, 'signingPublicKey', ed25519PublicKeyBytes);
  const certificatePem = stringOf(o, 'certificatePem');
  const caPem = stringOf(o, 'caPem');
  for (const [field, pem] of [
    ['certificatePem', certificatePem],
    ['caPem', caPem],
  ] as const) {
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new InvalidError(`${field}: Invalid value: not a PEM certificate`);
    }
  }
  const signingKeyId = stringOf(o, 'signingKeyId');
  return { nodeName, certificatePem, caPem, podCidr, site, signingPublicKey, signingKeyId };
}
