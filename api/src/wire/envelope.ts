/**
 * `SignedEnvelope`: Ed25519 (tweetnacl) over the exact payload bytes, which travel as base64 so
 * that no re-serialisation on the way can change what was signed. The verifier looks the key up
 * by `keyId` in the keys it trusts (the distributor's key for NodeDesired, a node's key for its
 * status) and gets back the bytes the signature covers, nothing else.
 *
 *   const bytes = encodeEnvelope(signEnvelope(payload, { keyId, secretKey }));
 *   const payload = openEnvelope(decodeEnvelope(bytes), (id) => trusted.get(id));
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import { InvalidError } from '../validation/invalid-error.ts';
import {
  formatFieldError,
  invalid,
  required,
  tooLong,
  type FieldError,
} from '../validation/field-error.ts';

export interface SignedEnvelope {
  /** Standard base64 of the signed bytes. */
  readonly payload: string;
  readonly keyId: string;
  /** Standard base64 of the 64-byte Ed25519 signature. */
  readonly signature: string;
}

export interface EnvelopeSigningKey {
  readonly keyId: string;
  /** tweetnacl's 64-byte secret key (seed then public key). */
  readonly secretKey: Uint8Array;
}

/** A lookup of trusted Ed25519 public keys (32 bytes) by key id. */
export type TrustedKeys = (keyId: string) => Uint8Array | undefined;

/** The gossip message cap: an envelope never needs to be larger than what gossip carries. */
export const signedEnvelopeBytesMax = 1024 * 1024;
export const keyIdBytesMax = 64;
const signatureBytes = 64;
const keyIdPattern = /^[A-Za-z0-9._:-]+$/;
const envelopeFields = ['payload', 'keyId', 'signature'] as const;

/** A signature that does not verify, or a key nobody trusts. */
export class SignatureError extends Error {
  readonly code = 'ERR_FORBIDDEN' as const;
  readonly keyId: string;
  constructor(keyId: string, why: string) {
    super(`signature by key ${JSON.stringify(keyId)}: ${why}`);
    this.name = new.target.name;
    this.keyId = keyId;
  }
}

export function signEnvelope(payload: Uint8Array, key: EnvelopeSigningKey): SignedEnvelope {
  const signature = signBytes(payload, key);
  return { payload: toBase64(payload), keyId: key.keyId, signature: toBase64(signature) };
}

/** The 64-byte Ed25519 signature of `bytes` (for signed formats other than the envelope). */
export function signBytes(bytes: Uint8Array, key: EnvelopeSigningKey): Uint8Array {
  const errs = validateKeyId(key.keyId, 'keyId');
  if (errs.length) throw new InvalidError(formatFieldError(errs[0]), { causes: errs });
  if (key.secretKey.length !== nacl.sign.secretKeyLength) {
    throw new InvalidError(`secretKey: Invalid value: want ${nacl.sign.secretKeyLength} bytes`);
  }
  return new Uint8Array(sign(null, bytes, privateKeyObject(key.secretKey)));
}

/** The payload bytes, if the signature verifies under a trusted key; SignatureError if not. */
export function openEnvelope(envelope: SignedEnvelope, trusted: TrustedKeys): Uint8Array {
  const payload = fromBase64(envelope.payload);
  const signature = fromBase64(envelope.signature);
  verifyBytes(payload, signature, envelope.keyId, trusted);
  return payload!;
}

/** Returns if `signature` over `bytes` verifies under the trusted key `keyId`; SignatureError if not. */
export function verifyBytes(
  bytes: Uint8Array | undefined,
  signature: Uint8Array | undefined,
  keyId: string,
  trusted: TrustedKeys,
): void {
  const publicKey = trusted(keyId);
  if (!publicKey) throw new SignatureError(keyId, 'key is not trusted');
  if (publicKey.length !== nacl.sign.publicKeyLength) {
    throw new SignatureError(keyId, 'trusted key is not a 32-byte Ed25519 key');
  }
  if (!bytes || !signature || !verifyEd25519(bytes, signature, publicKey)) {
    throw new SignatureError(keyId, 'does not verify');
  }
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 key bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Ed25519 verification through Node's OpenSSL: about 50 times cheaper than tweetnacl's, which
 * matters because every agent checks every document of its site before relaying it.
 */
function verifyEd25519(payload: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== nacl.sign.signatureLength) return false;
  try {
    return verify(null, payload, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

/** DER prefix of an Ed25519 PKCS#8 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The signer's parsed key, kept: a control plane signs with one key all its life. */
let signer: { secretKey: Uint8Array; key: KeyObject } | undefined;

/** Node's OpenSSL signs Ed25519 far faster than tweetnacl; the signature is the same bytes. */
function privateKeyObject(secretKey: Uint8Array): KeyObject {
  if (signer?.secretKey !== secretKey) {
    const seed = secretKey.subarray(0, 32);
    signer = {
      secretKey,
      key: createPrivateKey({
        key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
        format: 'der',
        type: 'pkcs8',
      }),
    };
  }
  return signer.key;
}

/** Parsed public keys by their bytes: a fleet trusts a handful of keys, each used constantly. */
const publicKeys = new Map<string, KeyObject>();
/** Bounds the cache; the oldest key is forgotten first. */
const publicKeysCachedMax = 256;

function publicKeyObject(raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw).toString('base64');
  let key = publicKeys.get(id);
  if (!key) {
    key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    });
    if (publicKeys.size >= publicKeysCachedMax) publicKeys.delete(publicKeys.keys().next().value!);
    publicKeys.set(id, key);
  }
  return key;
}

export function encodeEnvelope(envelope: SignedEnvelope): Uint8Array {
  const { payload, keyId, signature } = envelope;
  return new TextEncoder().encode(JSON.stringify({ payload, keyId, signature }));
}

/** Parses an envelope strictly: exactly its three fields, canonical base64, within caps. */
export function decodeEnvelope(
  bytes: Uint8Array,
  bytesMax: number = signedEnvelopeBytesMax,
): SignedEnvelope {
  if (bytes.byteLength > bytesMax) {
    throw new InvalidError(formatFieldError(tooLong('envelope', bytesMax)));
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new InvalidError('envelope: Invalid value: not UTF-8 JSON', { cause });
  }
  const errs = validateEnvelope(value);
  if (errs.length) {
    throw new InvalidError(`envelope is invalid: ${errs.map(formatFieldError).join(', ')}`, {
      causes: errs,
    });
  }
  return value as SignedEnvelope;
}

export function validateEnvelope(value: unknown): FieldError[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [invalid('envelope', typeof value, 'must be an object')];
  }
  const v = value as Record<string, unknown>;
  const errs: FieldError[] = [];
  for (const k of Object.keys(v)) {
    if (!(envelopeFields as readonly string[]).includes(k)) {
      errs.push(invalid(k, '', 'unknown field'));
    }
  }
  errs.push(...validateKeyId(v.keyId, 'keyId'));
  if (typeof v.payload !== 'string') errs.push(required('payload'));
  else if (!fromBase64(v.payload)) errs.push(invalid('payload', '…', 'must be canonical base64'));
  if (typeof v.signature !== 'string') errs.push(required('signature'));
  else if (fromBase64(v.signature)?.length !== signatureBytes) {
    errs.push(invalid('signature', v.signature, `must be base64 of ${signatureBytes} bytes`));
  }
  return errs;
}

function validateKeyId(keyId: unknown, field: string): FieldError[] {
  if (typeof keyId !== 'string' || keyId === '') return [required(field)];
  if (keyId.length > keyIdBytesMax) return [tooLong(field, keyIdBytesMax)];
  if (!keyIdPattern.test(keyId)) {
    return [invalid(field, keyId, 'must consist of letters, digits, ".", "_", ":" or "-"')];
  }
  return [];
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The bytes of canonical standard base64 (padded, no whitespace), or undefined. */
export function fromBase64(text: string): Uint8Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
