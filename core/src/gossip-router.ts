/**
 * The peer-scoring policy both sides give gossipsub, as plain data in gossipsub's own field
 * names (so the two adapters cannot drift apart). What it says: a message that fails validation
 * costs its sender; a couple of them put the sender below the graylist threshold, where its
 * traffic is ignored. Honest quiet peers are not penalised: edge topics carry a message every
 * few minutes, so mesh-delivery quotas (P3, P3b) are off, and peers behind one NAT share an IP
 * address, so IP colocation (P6) is off.
 */

/** Per-topic weights for every allowed topic. */
export const gossipTopicScoreParams = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 300,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.5,
  firstMessageDeliveriesCap: 10,
  meshMessageDeliveriesWeight: 0,
  // Unused while the weights are 0; gossipsub still wants them set and sane.
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 100,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  /** Squared: one invalid message scores -20, two -80, three -180 (below -80: graylisted). */
  invalidMessageDeliveriesWeight: -20,
  /** Per decay interval (1 s): a penalty fades over about half a minute. */
  invalidMessageDeliveriesDecay: 0.9,
} as const;

export const gossipPeerScoreParams = {
  /** Caps what good behaviour can bank against later misbehaviour. */
  topicScoreCap: 10,
  IPColocationFactorWeight: 0,
  decayInterval: 1000,
  decayToZero: 0.01,
  /** Milliseconds a departed peer's score is kept, so reconnecting does not wash it. */
  retainScore: 10 * 60_000,
} as const;

export const gossipScoreThresholds = {
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 5,
} as const;

/** Room for gossipsub's RPC framing around one message's data (topic, ids, signature, key). */
export const gossipRpcOverheadBytes = 64 * 1024;

export interface GossipRouterInit {
  readonly allowedTopics: readonly string[];
  readonly gossipMessageBytesMax: number;
  /** Default 1 s, gossipsub's own; tests shorten it so meshes form quickly. */
  readonly heartbeatIntervalMs?: number;
}

/**
 * The gossipsub options both sides use, in gossipsub's field names. Signed messages (StrictSign)
 * so `from` is the author's authenticated peer id; no peer exchange, since peers come from the
 * bootstrap list, mDNS and relays, never from strangers.
 */
export function gossipRouterOptions(init: GossipRouterInit) {
  const topics = Object.fromEntries(init.allowedTopics.map((t) => [t, gossipTopicScoreParams]));
  return {
    allowedTopics: [...init.allowedTopics],
    allowPublishToZeroTopicPeers: true,
    emitSelf: false,
    // Every payload we gossip carries the control plane's own Ed25519 signature, checked by the
    // validator; a second, per-hop signature over the whole message only doubled the hashing of
    // large site batches (bench/gossip-fanout, 50 agents: p99 235 → 208 ms). Message ids are then
    // the content's hash, and a bad message lowers the score of the peer that forwarded it.
    globalSignaturePolicy: 'StrictNoSign' as const,
    fallbackToFloodsub: false,
    doPX: false,
    floodPublish: true,
    runOnLimitedConnection: true,
    heartbeatInterval: init.heartbeatIntervalMs ?? 1000,
    // Oversized messages must still decode so the validator can reject (and score) them; only
    // far larger RPCs are cut off by the stream reader.
    maxInboundDataLength: init.gossipMessageBytesMax + gossipRpcOverheadBytes,
    scoreParams: { ...gossipPeerScoreParams, topics },
    scoreThresholds: { ...gossipScoreThresholds },
  };
}
