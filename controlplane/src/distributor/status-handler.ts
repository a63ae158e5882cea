/**
 * The `/wisp/status/1.0.0` handler. Who is speaking is decided twice: the stream's peer id is the
 * Noise-authenticated libp2p identity, mapped to a node name through the certificate it was
 * admitted with; and every item must be signed by that same certified Ed25519 key and name that
 * node. So a status can neither be forged by another peer nor replayed under another node's name.
 * Each item is then applied under the node authorizer (`status-apply.ts`) and answered on its own.
 *
 *   gossip.handle(statusProtocol, createStatusHandler({}, { peers, registry, authorizer, clock }));
 */
import { openEnvelope } from '@wisp/api/wire/envelope.ts';
import { checkIdentityNow, signingKeyId } from '@wisp/api/wire/identity.ts';
import { decodeWireMessage, type WireKind } from '@wisp/api/wire/messages.ts';
import type { Clock, RequestHandler } from '@wisp/core';
import type { NodePeers } from './node-peers.ts';
import {
  decodeStatusBatch,
  encodeStatusAnswer,
  type StatusResult,
  type StatusResultCode,
} from '@wisp/api/wire/protocols.ts';
import { createStatusApplier, type StatusApplierComponents } from './status-apply.ts';

const statusKinds: readonly WireKind[] = [
  'NodeStatus',
  'PodStatusReport',
  'LeaseRenewal',
  'EventReport',
];

/** Thrown for a request the handler will not look at; the asker gets it as a remote error. */
export class StatusRefusedError extends Error {
  readonly code = 'ERR_FORBIDDEN' as const;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export interface StatusHandlerComponents extends StatusApplierComponents {
  readonly peers: Pick<NodePeers, 'byPeer'>;
  readonly clock: Clock;
  readonly isRevoked?: (nodeName: string) => boolean;
}

export function createStatusHandler(c: StatusHandlerComponents): RequestHandler {
  const apply = createStatusApplier(c);
  return async (data, from) => {
    const identity = c.peers.byPeer(from);
    if (!identity) throw new StatusRefusedError(`peer ${from}: no admitted node certificate`);
    const verdict = checkIdentityNow(identity, {
      nowMs: c.clock.now(),
      isRevoked: c.isRevoked,
      peerId: from,
    });
    if (!verdict.trusted) throw new StatusRefusedError(`peer ${from}: ${verdict.reason}`);
    const batch = decodeStatusBatch(data);
    const keyId = signingKeyId(identity.ed25519PublicKey);
    const trusted = (id: string) => (id === keyId ? identity.ed25519PublicKey : undefined);
    const results: StatusResult[] = [];
    for (const [item, envelope] of batch.items.entries()) {
      const fail = (code: StatusResultCode, message: string, kind?: string) =>
        results.push({ item, ...(kind ? { kind } : {}), ok: false, code, message });
      let message;
      try {
        message = decodeWireMessage(openEnvelope(envelope, trusted));
      } catch (e) {
        const code = (e as { code?: string }).code === 'ERR_FORBIDDEN' ? 'refused' : 'invalid';
        fail(code, e instanceof Error ? e.message : String(e));
        continue;
      }
      if (!statusKinds.includes(message.kind)) {
        fail('invalid', `kind: Unsupported value: "${message.kind}"`, message.kind);
      } else if (message.nodeName !== identity.nodeName) {
        const why = `node "${identity.nodeName}" may not report for node "${message.nodeName}"`;
        fail('refused', `nodeName: Forbidden: ${why}`, message.kind);
      } else {
        for (const r of await apply(message)) results.push({ item, ...r });
      }
    }
    return encodeStatusAnswer({ results });
  };
}
