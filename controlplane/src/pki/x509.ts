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

/** The signature algorithm of every Wisp certificate and key. */
export const ED25519 = { name: 'Ed25519' } as const;
