/**
 * The Gossip limits (DESIGN §12): every implementation resolves its options here and checks
 * topics and sizes with the same functions, so memory and libp2p refuse the same things.
 */
import { GossipMessageTooLargeError, GossipTopicNotAllowedError } from './gossip-errors.ts';

export interface GossipLimits {
  /** Topics this node may subscribe to, publish on, and accept messages on. */
  readonly allowedTopics: readonly string[];
  /**
   * Topics allowed by their start (`/wisp/site/`), so a site first used after this node started
   * is served without a restart. Checked wherever `allowedTopics` is.
   */
  readonly allowedTopicPrefixes: readonly string[];
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

/** What a topic check needs; prefixes are optional so an exact list alone still works. */
export type TopicAllowList = Pick<GossipLimits, 'allowedTopics'> &
  Partial<Pick<GossipLimits, 'allowedTopicPrefixes'>>;

export function resolveGossipLimits(init: GossipLimitsInit): GossipLimits {
  const limits: GossipLimits = {
    allowedTopics: [...init.allowedTopics],
    allowedTopicPrefixes: [...(init.allowedTopicPrefixes ?? [])],
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
  for (const field of ['allowedTopics', 'allowedTopicPrefixes'] as const) {
    limits[field].forEach((t, i) => {
      // An empty prefix would allow every topic: refuse it like an empty name.
      if (typeof t !== 'string' || t === '') throw new RangeError(`${field}[${i}]: Required value`);
    });
  }
  return limits;
}

export function isTopicAllowed(limits: TopicAllowList, topic: string): boolean {
  if (limits.allowedTopics.includes(topic)) return true;
  return (limits.allowedTopicPrefixes ?? []).some(
    (prefix) => topic.length > prefix.length && topic.startsWith(prefix),
  );
}

export function assertTopicAllowed(limits: TopicAllowList, topic: string, field = 'topic'): void {
  if (!isTopicAllowed(limits, topic)) throw new GossipTopicNotAllowedError(field, topic);
}

export function assertBytesWithin(data: Uint8Array, bytesMax: number, field: string): void {
  if (data.byteLength > bytesMax) {
    throw new GossipMessageTooLargeError(field, data.byteLength, bytesMax);
  }
}
