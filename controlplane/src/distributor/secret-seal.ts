/**
 * Secrets travel sealed: `nacl.box` from a one-off X25519 key to the node's X25519 key (the one
 * its certificate carries), so the site peers that relay and cache a NodeDesired see only
 * ciphertext. The one-off key and the nonce come from the injected Random, never from
 * tweetnacl's own generator, so a seeded run seals the same way every time.
 *
 *   const sealed = sealSecret(secret, nodeX25519PublicKey, random);
 *   const secret = openSealedSecret(sealed, nodeX25519SecretKey); // on the node
 */
import type { Secret } from 'kubernetes-types/core/v1.js';
import type { Random } from '@wisp/core';
import { fromBase64, toBase64 } from '@wisp/api/wire/envelope.ts';
import type { SealedSecret } from '@wisp/api/wire/messages.ts';
import nacl from 'tweetnacl';

export class SecretSealError extends Error {
  readonly code = 'ERR_FORBIDDEN' as const;
  constructor(what: string, why: string) {
    super(`${what}: ${why}`);
    this.name = new.target.name;
  }
}

/** The Secret as the node needs it: what `kubectl get secret -o json` would show, trimmed. */
function secretPayload(secret: Secret): Secret {
  const m = secret.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      ...(m.labels ? { labels: m.labels } : {}),
    },
    ...(secret.type ? { type: secret.type } : {}),
    ...(secret.data ? { data: secret.data } : {}),
    ...(secret.stringData ? { stringData: secret.stringData } : {}),
  };
}

export function sealSecret(
  secret: Secret,
  recipientPublicKey: Uint8Array,
  random: Random,
): SealedSecret {
  const name = `${secret.metadata?.namespace}/${secret.metadata?.name}`;
  if (recipientPublicKey.length !== nacl.box.publicKeyLength) {
    throw new SecretSealError(`secret ${name}`, 'recipient key is not a 32-byte X25519 key');
  }
  const sender = nacl.box.keyPair.fromSecretKey(random.bytes(nacl.box.secretKeyLength));
  const nonce = random.bytes(nacl.box.nonceLength);
  const plain = new TextEncoder().encode(JSON.stringify(secretPayload(secret)));
  const box = nacl.box(plain, nonce, recipientPublicKey, sender.secretKey);
  return {
    namespace: secret.metadata?.namespace ?? '',
    name: secret.metadata?.name ?? '',
    ephemeralPublicKey: toBase64(sender.publicKey),
    nonce: toBase64(nonce),
    box: toBase64(box),
  };
}

/** Opens a sealed Secret with the node's X25519 secret key; SecretSealError if it cannot. */
export function openSealedSecret(sealed: SealedSecret, recipientSecretKey: Uint8Array): Secret {
  const what = `sealedSecret ${sealed.namespace}/${sealed.name}`;
  const sender = fromBase64(sealed.ephemeralPublicKey);
  const nonce = fromBase64(sealed.nonce);
  const box = fromBase64(sealed.box);
  if (!sender || !nonce || !box) throw new SecretSealError(what, 'not canonical base64');
  const plain = nacl.box.open(box, nonce, sender, recipientSecretKey);
  if (!plain) throw new SecretSealError(what, 'cannot be opened with this key');
  return JSON.parse(new TextDecoder().decode(plain)) as Secret;
}
