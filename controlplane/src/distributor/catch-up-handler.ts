/**
 * The `/wisp/catchup/1.0.0` handler: "I hold revision R of node N's document" → the latest signed
 * document for N if it is newer than R, else an empty answer. Any admitted peer may ask for any
 * node: documents are signed and their secrets sealed, and site peers ask on each other's behalf.
 *
 *   gossip.handle(catchUpProtocol, createCatchUpHandler((node) => latest.get(node)));
 */
import type { RequestHandler } from '@wisp/core';
import type { SignedDocument } from './node-document.ts';
import { decodeCatchUpRequest } from '@wisp/api/wire/protocols.ts';

const nothingNewer = new Uint8Array(0);

export function createCatchUpHandler(
  latest: (nodeName: string) => SignedDocument | undefined,
): RequestHandler {
  return (data) => {
    const { nodeName, haveRevision } = decodeCatchUpRequest(data);
    const doc = latest(nodeName);
    return doc && doc.revision > haveRevision ? doc.bytes : nothingNewer;
  };
}
