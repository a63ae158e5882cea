/**
 * Turns a node's content and revision into the bytes that travel: a NodeDesired with its Secrets
 * sealed to the node, signed by the distributor's key. A document over the limits is refused
 * here, before it is sent, with the field that overflowed.
 *
 *   const doc = signNodeDesired(content, revision, { sealKey, signingKey, random });
 *   await gossip.publish(siteTopic(site), doc.bytes);
 */
import type { Random } from '@wisp/core';
import type { EnvelopeSigningKey } from '@wisp/api/wire/envelope.ts';
import { signedEnvelopeBytesMax } from '@wisp/api/wire/envelope.ts';
import {
  sealWireMessage,
  wireApiVersion,
  wireLimits,
  type NodeDesired,
} from '@wisp/api/wire/messages.ts';
import type { DesiredContent } from './desired-content.ts';
import { sealSecret, SecretSealError } from './secret-seal.ts';

export class DocumentTooLargeError extends Error {
  readonly code = 'ERR_TOO_LARGE' as const;
  constructor(nodeName: string, field: string, size: number, max: number) {
    super(`NodeDesired for node "${nodeName}": ${field}: Too long: ${size} > ${max}`);
    this.name = new.target.name;
  }
}

export interface SignedDocument {
  readonly nodeName: string;
  readonly revision: number;
  readonly bytes: Uint8Array;
}

export interface SignOptions {
  /** The node's X25519 key; required when the content has secrets. */
  readonly sealKey: Uint8Array | undefined;
  readonly signingKey: EnvelopeSigningKey;
  readonly random: Random;
  readonly bytesMax?: number;
}

export function signNodeDesired(
  content: DesiredContent,
  revision: number,
  options: SignOptions,
): SignedDocument {
  const { nodeName } = content;
  checkCounts(content);
  if (content.secrets.length > 0 && !options.sealKey) {
    throw new SecretSealError(`node "${nodeName}"`, 'no X25519 key known to seal secrets to');
  }
  const desired: NodeDesired = {
    apiVersion: wireApiVersion,
    kind: 'NodeDesired',
    nodeName,
    revision,
    pods: content.pods,
    configMaps: content.configMaps,
    sealedSecrets: content.secrets.map((s) => sealSecret(s, options.sealKey!, options.random)),
    services: content.services,
    endpoints: content.endpoints,
    networkPolicies: content.networkPolicies,
    namespaces: content.namespaces,
    meshPeers: content.meshPeers,
  };
  const bytes = sealWireMessage(desired, options.signingKey);
  const bytesMax = options.bytesMax ?? signedEnvelopeBytesMax;
  if (bytes.byteLength > bytesMax) {
    throw new DocumentTooLargeError(nodeName, 'envelope', bytes.byteLength, bytesMax);
  }
  return { nodeName, revision, bytes };
}

function checkCounts(c: DesiredContent): void {
  const counts: [string, number, number][] = [
    ['pods', c.pods.length, wireLimits.podsPerNodeMax],
    ['configMaps', c.configMaps.length, wireLimits.configMapsMax],
    ['sealedSecrets', c.secrets.length, wireLimits.sealedSecretsMax],
    ['services', c.services.length, wireLimits.servicesMax],
    ['endpoints', c.endpoints.length, wireLimits.endpointsMax],
    ['networkPolicies', c.networkPolicies.length, wireLimits.networkPoliciesMax],
    ['namespaces', c.namespaces.length, wireLimits.namespacesMax],
    ['meshPeers', c.meshPeers.length, wireLimits.meshPeersMax],
  ];
  for (const [field, n, max] of counts) {
    if (n > max) throw new DocumentTooLargeError(c.nodeName, field, n, max);
  }
}
