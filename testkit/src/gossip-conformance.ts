/**
 * The Gossip conformance suite: MemoryGossip and both libp2p adapters register it from their own
 * test files and must pass every case unchanged (STYLE rule 3).
 *
 *   runGossipConformance('memory', async () => memoryGossipNetwork(seededRandom(1)));
 *
 * `make` gives each case a fresh network; the suite closes it after the case.
 */
import { afterEach, beforeEach, describe } from 'node:test';
import { addressCases } from './gossip-conformance-addresses.ts';
import type { GossipTestNetwork, MakeGossipNetwork } from './gossip-conformance-helpers.ts';
import { limitCases } from './gossip-conformance-limits.ts';
import { peerCases } from './gossip-conformance-peers.ts';
import { pubsubCases } from './gossip-conformance-pubsub.ts';
import { requestCases } from './gossip-conformance-requests.ts';
import { streamCases } from './gossip-conformance-streams.ts';
import { validationCases } from './gossip-conformance-validation.ts';

export type {
  GossipTestNetwork,
  GossipTestNodeInit,
  MakeGossipNetwork,
} from './gossip-conformance-helpers.ts';

export function runGossipConformance(name: string, make: MakeGossipNetwork): void {
  describe(`Gossip conformance: ${name}`, () => {
    let network: GossipTestNetwork | undefined;
    beforeEach(async () => {
      network = await make();
    });
    afterEach(async () => {
      await network?.close();
      network = undefined;
    });
    const net = (): GossipTestNetwork => {
      if (!network) throw new Error('no network: make() has not run for this case');
      return network;
    };
    pubsubCases(net);
    validationCases(net);
    limitCases(net);
    requestCases(net);
    streamCases(net);
    peerCases(net);
    addressCases(net);
  });
}
