/**
 * The one entry to `@peculiar/x509`: installs the metadata shim it needs and points it at Node's
 * WebCrypto, so every PKI file imports `x509` from here and never configures it twice.
 */
import './reflect-metadata.ts';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type LibraryCrypto = ReturnType<x509.CryptoProvider['get']>;

// Node's webcrypto is the standard Crypto; the cast bridges @types/node's typing and the library's.
x509.cryptoProvider.set(webcrypto as unknown as LibraryCrypto);

export { x509 };

/** Node identity keys (libp2p), and the signatures of a CA made before P-256. */
export const ED25519 = { name: 'Ed25519' } as const;
/** The CA's, serving and client certificates' key: the curve every browser speaks. */
export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
/** Signatures made by a P-256 CA. */
export const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
