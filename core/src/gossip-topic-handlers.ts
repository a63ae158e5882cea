/**
 * The per-topic validators and message handlers every Gossip implementation keeps, and the
 * checks a message passes before them: an allowed topic, within the size cap, from an admitted
 * peer, accepted by the topic's validator (a throwing validator rejects). Shared by the hosted
 * (libp2p) gossip and testkit's in-memory network, so both judge messages alike.
 *
 *   const topics = new TopicHandlers(limits, onError);
 *   const verdict = await topics.validate(topic, data, author, () => admission.decided(peer));
 *   if (verdict === 'accept') topics.deliver(topic, data, author);
 */
import type { GossipHandler, GossipValidation, GossipValidator, Unsubscribe } from './gossip.ts';
import { assertTopicAllowed, isTopicAllowed, type GossipLimits } from './gossip-limits.ts';

export class TopicHandlers {
  readonly #limits: GossipLimits;
  readonly #onError: ((e: unknown) => void) | undefined;
  readonly #validators = new Map<string, GossipValidator>();
  readonly #handlers = new Map<string, Set<GossipHandler>>();

  constructor(limits: GossipLimits, onError?: (e: unknown) => void) {
    this.#limits = limits;
    this.#onError = onError;
  }

  setValidator(topic: string, validator: GossipValidator): Unsubscribe {
    assertTopicAllowed(this.#limits, topic);
    this.#validators.set(topic, validator);
    return () => {
      if (this.#validators.get(topic) === validator) this.#validators.delete(topic);
    };
  }

  onMessage(topic: string, handler: GossipHandler): Unsubscribe {
    assertTopicAllowed(this.#limits, topic);
    const set = this.#handlers.get(topic) ?? new Set();
    this.#handlers.set(topic, set.add(handler));
    return () => void set.delete(handler);
  }

  async validate(
    topic: string,
    data: Uint8Array,
    author: string,
    admitted: () => Promise<boolean>,
  ): Promise<GossipValidation> {
    if (!isTopicAllowed(this.#limits, topic)) return 'reject';
    if (data.byteLength > this.#limits.gossipMessageBytesMax) return 'reject';
    if (!(await admitted())) return 'reject';
    const validator = this.#validators.get(topic);
    if (!validator) return 'accept';
    try {
      const verdict = await validator(data, author);
      return verdict === 'accept' || verdict === 'ignore' ? verdict : 'reject';
    } catch (e) {
      this.#onError?.(e);
      return 'reject';
    }
  }

  /** Hands a message to every handler of its topic; one handler's failure stops no other. */
  deliver(topic: string, data: Uint8Array, author: string): void {
    for (const handler of this.#handlers.get(topic) ?? []) {
      try {
        handler(data, author);
      } catch (e) {
        this.#onError?.(e);
      }
    }
  }
}
