/**
 * Authentication: a client certificate from the cluster CA, else a bearer token. Anonymous
 * requests get `undefined`, and the server answers 401 with a Status.
 *
 * The TLS server is started with `requestCert: true, rejectUnauthorized: false, ca: [caPem]`, so a
 * client without a certificate still connects and `authorized` tells whether the one it sent
 * chains to the CA.
 *
 *   const authenticate = createAuthenticator({ caPem: ca.certPem, tokens });
 *   const user = await authenticate(authRequestOf(req)); // UserInfo | undefined
 */
import { X509Certificate as NodeCertificate, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { x509 } from '../pki/x509.ts';
import { withAuthenticatedGroup, type UserInfo } from './user-info.ts';

export interface PeerCertificate {
  /** Node's parsed subject; informational, the DER below is what is trusted. */
  readonly subject?: unknown;
  readonly raw?: Uint8Array;
}

export interface AuthRequest {
  readonly peerCertificate?: PeerCertificate | undefined;
  /** True when the TLS layer verified the peer certificate's chain to the cluster CA. */
  readonly authorized: boolean;
  /** The Authorization header, if any. */
  readonly authorization?: string;
}

export interface TokenLookup {
  lookup(token: string): UserInfo | undefined;
}

export interface AuthenticatorComponents {
  readonly tokens?: TokenLookup;
  /**
   * When given, a client certificate must also be signed directly by one of these CAs: a check
   * of our own on top of the TLS layer's, so a second CA added to the server's trust list for
   * another purpose cannot mint users.
   */
  readonly caPem?: string | readonly string[];
}

export type Authenticate = (req: AuthRequest) => Promise<UserInfo | undefined>;

/** The apiserver's authenticator: `authenticateRequest` with its collaborators bound. */
export function createAuthenticator(components: AuthenticatorComponents): Authenticate {
  const caKeys = caPublicKeys(components.caPem);
  const verified = new CertificateUserCache(certificateUserCacheEntriesMax);
  const cachedCertUser = (peer: PeerCertificate | undefined) =>
    verified.get(peer, () => certificateUser(peer, caKeys));
  return async (req) =>
    authenticateRequest(req, { ...components, caKeys, certificateUser: cachedCertUser });
}

/** Distinct client certificates whose parsed identity is remembered. */
export const certificateUserCacheEntriesMax = 1024;

/**
 * Parsing and verifying a certificate costs more than the rest of a small request; clients send
 * the same few certificates on every request, so the verdict is remembered by the DER bytes.
 */
class CertificateUserCache {
  readonly #entries = new Map<string, UserInfo | undefined>();
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }
  get(peer: PeerCertificate | undefined, compute: () => UserInfo | undefined) {
    if (!peer?.raw?.length) return undefined;
    const key = Buffer.from(peer.raw).toString('base64');
    if (this.#entries.has(key)) return this.#entries.get(key);
    const user = compute();
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, user);
    return user;
  }
}

export interface AuthenticateOptions {
  readonly tokens?: TokenLookup;
  readonly caKeys?: readonly KeyObject[];
  /** Replaces the certificate parse, e.g. with a cached one. */
  readonly certificateUser?: (peer: PeerCertificate | undefined) => UserInfo | undefined;
}

export function authenticateRequest(
  req: AuthRequest,
  options: AuthenticateOptions,
): UserInfo | undefined {
  // As the upstream union authenticator: a bad certificate does not stop a good token.
  const fromCert = !req.authorized
    ? undefined
    : options.certificateUser
      ? options.certificateUser(req.peerCertificate)
      : certificateUser(req.peerCertificate, options.caKeys);
  if (fromCert) return fromCert;
  const token = bearerToken(req.authorization);
  const fromToken = token === undefined ? undefined : options.tokens?.lookup(token);
  if (!fromToken) return undefined;
  return { ...fromToken, groups: withAuthenticatedGroup(fromToken.groups) };
}

/** CN is the user name and each O a group, as kube-apiserver's x509 authenticator reads. */
export function certificateUser(
  peer: PeerCertificate | undefined,
  caKeys?: readonly KeyObject[],
): UserInfo | undefined {
  if (!peer?.raw?.length) return undefined;
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(peer.raw);
    if (caKeys && !signedByOneOf(peer.raw, caKeys)) return undefined;
  } catch {
    return undefined;
  }
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  if (eku && !eku.usages.includes(x509.ExtendedKeyUsage.clientAuth)) return undefined;
  const [name] = cert.subjectName.getField('CN');
  if (!name) return undefined;
  return { name, groups: withAuthenticatedGroup(cert.subjectName.getField('O')) };
}

function signedByOneOf(raw: Uint8Array, caKeys: readonly KeyObject[]): boolean {
  const cert = new NodeCertificate(raw);
  return caKeys.some((k) => cert.verify(k));
}

function caPublicKeys(caPem: string | readonly string[] | undefined): KeyObject[] | undefined {
  if (caPem === undefined) return undefined;
  const pems = typeof caPem === 'string' ? [caPem] : caPem;
  return pems.map((pem) => new NodeCertificate(pem).publicKey);
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const parts = header.trim().split(' ');
  if (parts.length !== 2 || parts[0].toLowerCase() !== 'bearer' || !parts[1]) return undefined;
  return parts[1];
}

/** The parts of a Node request the authenticator reads. */
export function authRequestOf(req: IncomingMessage): AuthRequest {
  const socket = req.socket as Partial<TLSSocket>;
  const peer = socket.encrypted ? socket.getPeerCertificate?.() : undefined;
  const raw = peer && 'raw' in peer ? peer.raw : undefined;
  return {
    peerCertificate: raw ? { subject: peer?.subject, raw } : undefined,
    authorized: socket.authorized === true,
    authorization: req.headers.authorization,
  };
}
