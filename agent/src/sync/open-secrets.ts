/**
 * Opens the Secrets the control plane sealed to this node's X25519 key (`nacl.box` from a one-off
 * sender key). A box that does not open is reported, not fatal: the rest of the document stands.
 */
import nacl from 'tweetnacl';
import type { Secret } from 'kubernetes-types/core/v1.js';
import { fromBase64 } from '@wisp/api/wire/envelope.ts';
import type { SealedSecret } from '@wisp/api/wire/messages.ts';

export interface OpenedSecrets {
  readonly secrets: Secret[];
  /** `namespace/name` of each box that did not open. */
  readonly failed: string[];
}

export function openSealedSecrets(
  sealed: readonly SealedSecret[],
  x25519SecretKey: Uint8Array,
): OpenedSecrets {
  const secrets: Secret[] = [];
  const failed: string[] = [];
  for (const s of sealed) {
    const secret = openOne(s, x25519SecretKey);
    if (secret) secrets.push(secret);
    else failed.push(`${s.namespace}/${s.name}`);
  }
  return { secrets, failed };
}

function openOne(s: SealedSecret, secretKey: Uint8Array): Secret | undefined {
  const box = fromBase64(s.box);
  const nonce = fromBase64(s.nonce);
  const sender = fromBase64(s.ephemeralPublicKey);
  if (!box || !nonce || !sender) return undefined;
  const plain = nacl.box.open(box, nonce, sender, secretKey);
  if (!plain) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(plain)) as Secret;
  } catch {
    return undefined;
  }
}
