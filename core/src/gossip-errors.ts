/**
 * How the Gossip port fails. Callers switch on `code` (and, where two share one, on the class).
 */
import { WispError } from './errors.ts';

/** A topic outside the allow-list: refused locally, never sent. */
export class GossipTopicNotAllowedError extends WispError {
  readonly topic: string;
  constructor(field: string, topic: string) {
    super('ERR_FORBIDDEN', `${field}: Unsupported value: ${JSON.stringify(topic)}: not allowed`);
    this.topic = topic;
  }
}

export class GossipMessageTooLargeError extends WispError {
  readonly bytes: number;
  readonly bytesMax: number;
  constructor(field: string, bytes: number, bytesMax: number) {
    super('ERR_TOO_LARGE', `${field}: Too long: ${bytes} bytes, must have at most ${bytesMax}`);
    this.bytes = bytes;
    this.bytesMax = bytesMax;
  }
}

export class GossipRequestTimeoutError extends WispError {
  constructor(peer: string, protocol: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(
      'ERR_TIMEOUT',
      `request ${protocol} to ${peer}: no answer within ${timeoutMs} ms`,
      options,
    );
  }
}

/** The peer is not connected, or not admitted. Requests never dial on their own. */
export class GossipPeerUnreachableError extends WispError {
  readonly peer: string;
  constructor(peer: string, why: string, options?: { cause?: unknown }) {
    super('ERR_NOT_FOUND', `peer ${peer}: ${why}`, options);
    this.peer = peer;
  }
}

export class GossipNoHandlerError extends WispError {
  constructor(peer: string, protocol: string) {
    super('ERR_NOT_FOUND', `peer ${peer} does not handle ${protocol}`);
  }
}

/** The remote handler failed, or the remote refused us; `message` carries its reason. */
export class GossipRemoteError extends WispError {
  constructor(peer: string, protocol: string, reason: string) {
    super('ERR_INTERNAL', `request ${protocol} to ${peer} failed remotely: ${reason}`);
  }
}

/** A frame that does not parse: a broken or hostile peer. */
export class GossipProtocolError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_BAD_REQUEST', message, options);
  }
}
