/**
 * The Gossip limits (DESIGN §12): every implementation resolves its options here and checks
 * topics and sizes with the same functions, so memory and libp2p refuse the same things.
 */
import { GossipMessageTooLargeError, GossipTopicNotAllowedError } from './gossip-errors.ts';

export interface GossipLimits {
  /** Topics this node may subscribe to, publish on, and accept messages on. */
  readonly allowedTopics: readonly string[];
  /** Largest gossip payload, sent or accepted. */
  readonly gossipMessageBytesMax: number;
  /** Largest request or response body on a request/response protocol. */
  readonly requestBytesMax: number;
  /** A request without its own `timeoutMs` fails after this long. */
  readonly requestTimeoutMs: number;
  /** A connected peer that has not proved its identity within this long is disconnected. */
  readonly admissionTimeoutMs: number;
}

const mebibyte = 1024 * 1024;

export const gossipLimitDefaults = {
  gossipMessageBytesMax: mebibyte,
  requestBytesMax: mebibyte,
  requestTimeoutMs: 10_000,
  admissionTimeoutMs: 5_000,
} as const;

export type GossipLimitsInit = Partial<GossipLimits> & Pick<GossipLimits, 'allowedTopics'>;

export function resolveGossipLimits(init: GossipLimitsInit): GossipLimits {
  const limits: GossipLimits = {
    allowedTopics: [...init.allowedTopics],
    gossipMessageBytesMax: init.gossipMessageBytesMax ?? gossipLimitDefaults.gossipMessageBytesMax,
    requestBytesMax: init.requestBytesMax ?? gossipLimitDefaults.requestBytesMax,
    requestTimeoutMs: init.requestTimeoutMs ?? gossipLimitDefaults.requestTimeoutMs,
    admissionTimeoutMs: init.admissionTimeoutMs ?? gossipLimitDefaults.admissionTimeoutMs,
  };
  for (const key of Object.keys(gossipLimitDefaults) as (keyof typeof gossipLimitDefaults)[]) {
    const v = limits[key];
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${key}: Invalid value: ${v}: must be a positive integer`);
    }
  }
  limits.allowedTopics.forEach((t, i) => {
    if (typeof t !== 'string' || t === '') {
      throw new RangeError(`allowedTopics[${i}]: Required value`);
    }
  });
  return limits;
}

export function isTopicAllowed(
  limits: Pick<GossipLimits, 'allowedTopics'>,
  topic: string,
): boolean {
  return limits.allowedTopics.includes(topic);
}

export function assertTopicAllowed(
  limits: Pick<GossipLimits, 'allowedTopics'>,
  topic: string,
  field = 'topic',
): void {
  if (!isTopicAllowed(limits, topic)) throw new GossipTopicNotAllowedError(field, topic);
}

export function assertBytesWithin(data: Uint8Array, bytesMax: number, field: string): void {
  if (data.byteLength > bytesMax) {
    throw new GossipMessageTooLargeError(field, data.byteLength, bytesMax);
  }
}
