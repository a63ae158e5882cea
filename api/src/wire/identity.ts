/**
 * Node identity as both sides read it from a node certificate. The certificate's key is the
 * node's Ed25519 libp2p identity; the subject is `CN=system:node:<name>, O=system:nodes`; the rest
 * rides in URI subject alternative names, one fact each:
 *
 *   wisp://peer/12D3KooW...          libp2p peer id of the certified key (must match it)
 *   wisp://x25519/<base64url>        the node's X25519 key, which secrets are sealed to
 *   wisp://podcidr/10.42.7.0-24      the node's pod CIDR (`/` would end the URI's path)
 *   wisp://site/<site>               the node's site, absent for a node without one
 *
 * Pure: node:crypto parses and verifies, nothing reads time or files. The control plane and the
 * agent bind `checkNodeCertificate` to their CA, clock and revocation list.
 *
 *   const verdict = checkNodeCertificate(certPem, { caPem, nowMs: clock.now(), isRevoked });
 *   if (verdict.trusted) use(verdict.identity.peerId);
 */
import { createHash, X509Certificate } from 'node:crypto';
import { InvalidError } from '../validation/invalid-error.ts';

export const nodeUserPrefix = 'system:node:';
export const nodesGroup = 'system:nodes';
export const identityUriScheme = 'wisp:';
export const ed25519PublicKeyBytes = 32;
export const x25519PublicKeyBytes = 32;
/** OID of the clientAuth extended key usage: every node certificate is a client certificate. */
const clientAuthOid = '1.3.6.1.5.5.7.3.2';

/** The facts a node certificate carries, read back. */
export interface NodeIdentity {
  readonly nodeName: string;
  readonly peerId: string;
  readonly ed25519PublicKey: Uint8Array;
  readonly x25519PublicKey: Uint8Array;
  /** `10.42.7.0/24`. */
  readonly podCidr: string;
  /** '' when the node has no site. */
  readonly site: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  /** Upper-case hex, as node:crypto prints it. */
  readonly serialNumber: string;
}

/** The URI SANs for a node's identity, in the order they are written. */
export function identityUris(facts: {
  peerId: string;
  x25519PublicKey: Uint8Array;
  podCidr: string;
  site?: string;
}): string[] {
  const uris = [
    `wisp://peer/${facts.peerId}`,
    `wisp://x25519/${toBase64Url(facts.x25519PublicKey)}`,
    `wisp://podcidr/${facts.podCidr.replace('/', '-')}`,
  ];
  if (facts.site) uris.push(`wisp://site/${facts.site}`);
  return uris;
}

export function nodeUserName(nodeName: string): string {
  return nodeUserPrefix + nodeName;
}

/** The node name of a `system:node:<name>` user, or undefined for any other user. */
export function nodeNameOfUser(user: { name: string; groups: readonly string[] }) {
  if (!user.name.startsWith(nodeUserPrefix) || !user.groups.includes(nodesGroup)) return undefined;
  const name = user.name.slice(nodeUserPrefix.length);
  return name === '' ? undefined : name;
}

/** Reads the identity out of a node certificate (PEM or DER); InvalidError if it is not one. */
export function parseNodeIdentity(cert: string | Uint8Array | X509Certificate): NodeIdentity {
  const x = cert instanceof X509Certificate ? cert : parseCertificate(cert);
  const subject = subjectFields(x.subject);
  const cn = subject.get('CN') ?? [];
  if (cn.length !== 1 || !cn[0].startsWith(nodeUserPrefix) || cn[0] === nodeUserPrefix) {
    throw new InvalidError(`subject.CN: Invalid value: must be "${nodeUserPrefix}<node name>"`);
  }
  if (!(subject.get('O') ?? []).includes(nodesGroup)) {
    throw new InvalidError(`subject.O: Required value: "${nodesGroup}"`);
  }
  const ed25519PublicKey = ed25519KeyOf(x);
  const uris = uriFacts(x.subjectAltName ?? '');
  const peerId = requiredFact(uris, 'peer');
  if (peerId !== peerIdFromEd25519(ed25519PublicKey)) {
    throw new InvalidError('subjectAltName[wisp://peer]: Invalid value: not the certified key');
  }
  return {
    nodeName: cn[0].slice(nodeUserPrefix.length),
    peerId,
    ed25519PublicKey,
    x25519PublicKey: fromBase64Url(
      requiredFact(uris, 'x25519'),
      'subjectAltName[wisp://x25519]',
      x25519PublicKeyBytes,
    ),
    podCidr: parsePodCidrFact(requiredFact(uris, 'podcidr')),
    site: uris.get('site') ?? '',
    notBeforeMs: x.validFromDate.getTime(),
    notAfterMs: x.validToDate.getTime(),
    serialNumber: x.serialNumber,
  };
}

export interface TrustContext {
  /** The cluster CA the certificate must be signed by. */
  readonly caPem: string | X509Certificate;
  /** The time the validity window is checked at (the injected Clock's now). */
  readonly nowMs: number;
  readonly isRevoked?: (nodeName: string) => boolean;
  /** When given, the certificate must be for this libp2p peer. */
  readonly peerId?: string;
}

export type TrustVerdict =
  | { readonly trusted: true; readonly identity: NodeIdentity }
  | { readonly trusted: false; readonly reason: string };

/** Whether a node certificate chains to the CA, is valid now, is for the peer, and unrevoked. */
export function checkNodeCertificate(cert: string | Uint8Array, ctx: TrustContext): TrustVerdict {
  const issued = verifyNodeCertificate(cert, ctx.caPem);
  return issued.trusted ? checkIdentityNow(issued.identity, ctx) : issued;
}

/**
 * The part of the check that never changes for given certificate bytes: parse, chain to the CA,
 * client usage. Callers that see the same certificate often cache this and call
 * `checkIdentityNow` each time.
 */
export function verifyNodeCertificate(
  cert: string | Uint8Array,
  caPem: string | X509Certificate,
): TrustVerdict {
  let x: X509Certificate;
  let identity: NodeIdentity;
  try {
    x = parseCertificate(cert);
    identity = parseNodeIdentity(x);
  } catch (e) {
    return { trusted: false, reason: e instanceof Error ? e.message : String(e) };
  }
  const ca = typeof caPem === 'string' ? new X509Certificate(caPem) : caPem;
  if (!x.checkIssued(ca) || !x.verify(ca.publicKey)) {
    return { trusted: false, reason: 'not signed by the cluster CA' };
  }
  if (!(x.keyUsage ?? []).includes(clientAuthOid)) {
    return { trusted: false, reason: 'not a client certificate (extendedKeyUsage)' };
  }
  return { trusted: true, identity };
}

/** The part of the check that depends on time, the peer and the revocation list. */
export function checkIdentityNow(
  identity: NodeIdentity,
  ctx: Omit<TrustContext, 'caPem'>,
): TrustVerdict {
  if (ctx.nowMs < identity.notBeforeMs) return { trusted: false, reason: 'not yet valid' };
  if (ctx.nowMs > identity.notAfterMs) return { trusted: false, reason: 'expired' };
  if (ctx.peerId !== undefined && ctx.peerId !== identity.peerId) {
    return { trusted: false, reason: `issued to peer ${identity.peerId}, not ${ctx.peerId}` };
  }
  if (ctx.isRevoked?.(identity.nodeName)) {
    return { trusted: false, reason: `node "${identity.nodeName}" is revoked` };
  }
  return { trusted: true, identity };
}

export function isCertificateTrusted(cert: string | Uint8Array, ctx: TrustContext): boolean {
  return checkNodeCertificate(cert, ctx).trusted;
}

/** The key id envelopes name a signing key by: the first 8 bytes of its SHA-256, in hex. */
export function signingKeyId(publicKey: Uint8Array): string {
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 16);
}

// --- libp2p peer ids -------------------------------------------------------------------------

/** protobuf `PublicKey { Type: Ed25519, Data: <32 bytes> }` behind an identity multihash. */
const peerIdPrefix = Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20]);

/** The libp2p peer id (`12D3KooW...`) of an Ed25519 public key. */
export function peerIdFromEd25519(publicKey: Uint8Array): string {
  if (publicKey.length !== ed25519PublicKeyBytes) {
    throw new InvalidError(`publicKey: Invalid value: want ${ed25519PublicKeyBytes} bytes`);
  }
  const bytes = new Uint8Array(peerIdPrefix.length + publicKey.length);
  bytes.set(peerIdPrefix);
  bytes.set(publicKey, peerIdPrefix.length);
  return base58Encode(bytes);
}

/** The Ed25519 key inside a peer id, or undefined if the id is not of an Ed25519 key. */
export function ed25519FromPeerId(peerId: string): Uint8Array | undefined {
  const bytes = base58Decode(peerId);
  if (!bytes || bytes.length !== peerIdPrefix.length + ed25519PublicKeyBytes) return undefined;
  if (peerIdPrefix.some((b, i) => bytes[i] !== b)) return undefined;
  return bytes.slice(peerIdPrefix.length);
}

const base58Alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58Encode(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = '';
  while (n > 0n) {
    out = base58Alphabet[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

function base58Decode(text: string): Uint8Array | undefined {
  let n = 0n;
  for (const ch of text) {
    const v = base58Alphabet.indexOf(ch);
    if (v < 0) return undefined;
    n = n * 58n + BigInt(v);
  }
  const body: number[] = [];
  while (n > 0n) {
    body.unshift(Number(n % 256n));
    n /= 256n;
  }
  const zeros = /^1*/.exec(text)![0].length;
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...body]);
}

// --- encodings ---------------------------------------------------------------------------------

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Decodes unpadded base64url of exactly `bytesWant` bytes; InvalidError naming `field`. */
export function fromBase64Url(text: string, field: string, bytesWant: number): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new InvalidError(`${field}: Invalid value: must be unpadded base64url`);
  }
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  if (bytes.length !== bytesWant) {
    throw new InvalidError(`${field}: Invalid value: must encode ${bytesWant} bytes`);
  }
  return bytes;
}

const cidrPattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Whether `text` is an IPv4 CIDR with its host bits zero (`10.42.7.0/24`). */
export function isIPv4Cidr(text: string): boolean {
  const m = cidrPattern.exec(text);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o, i) => o > 255 || String(o) !== m[i + 1]) || bits > 32) return false;
  const n = octets.reduce((acc, o) => acc * 256 + o, 0);
  return n % 2 ** (32 - bits) === 0;
}

function parsePodCidrFact(text: string): string {
  const cidr = text.replace('-', '/');
  if (!isIPv4Cidr(cidr)) {
    throw new InvalidError(`subjectAltName[wisp://podcidr]: Invalid value: "${text}"`);
  }
  return cidr;
}

function parseCertificate(cert: string | Uint8Array): X509Certificate {
  try {
    return new X509Certificate(typeof cert === 'string' ? cert : Buffer.from(cert));
  } catch (cause) {
    throw new InvalidError('certificate: Invalid value: not an X.509 certificate', { cause });
  }
}

function ed25519KeyOf(x: X509Certificate): Uint8Array {
  const key = x.publicKey;
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new InvalidError('subjectPublicKeyInfo: Invalid value: not an Ed25519 key');
  }
  const jwk = key.export({ format: 'jwk' });
  return fromBase64Url(jwk.x ?? '', 'subjectPublicKeyInfo', ed25519PublicKeyBytes);
}

/** `CN=a\nO=b\nO=c` as node:crypto prints a subject, to attribute → values. */
function subjectFields(subject: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const line of subject.split('\n')) {
    const at = line.indexOf('=');
    if (at < 0) continue;
    const key = line.slice(0, at);
    fields.set(key, [...(fields.get(key) ?? []), line.slice(at + 1)]);
  }
  return fields;
}

/** The `wisp://<fact>/<value>` URIs of a subjectAltName string; a repeated fact is refused. */
function uriFacts(altNames: string): Map<string, string> {
  const facts = new Map<string, string>();
  for (const entry of altNames.split(', ')) {
    if (!entry.startsWith('URI:')) continue;
    let uri = entry.slice('URI:'.length);
    if (uri.startsWith('"')) uri = JSON.parse(uri) as string;
    const m = /^wisp:\/\/([a-z0-9]+)\/([^/]+)$/.exec(uri);
    if (!m) continue;
    if (facts.has(m[1])) {
      throw new InvalidError(`subjectAltName[wisp://${m[1]}]: Duplicate value`);
    }
    facts.set(m[1], m[2]);
  }
  return facts;
}

function requiredFact(facts: Map<string, string>, name: string): string {
  const v = facts.get(name);
  if (!v) throw new InvalidError(`subjectAltName[wisp://${name}]: Required value`);
  return v;
}
