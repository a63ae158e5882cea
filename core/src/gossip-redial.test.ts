import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@wisp/testkit';
import { seededRandom } from './random.ts';
import { Redialer } from './gossip-redial.ts';
import { ed25519Libp2pRaw, peerIdOfAddress } from './gossip-host.ts';

const address = '/ip4/10.0.0.1/tcp/6445/p2p/12D3KooWServer';

function redialer(succeedAfter: number) {
  const clock = new FakeClock();
  const dials: number[] = [];
  let connected = false;
  const r = new Redialer(
    { bootstrap: [address], redialIntervalMs: 1000, redialBackoffMaxMs: 8000 },
    {
      clock,
      random: seededRandom(1),
      isConnected: () => connected,
      dial: async () => {
        dials.push(clock.monotonic());
        if (dials.length < succeedAfter) throw new Error('refused');
        connected = true;
        return '12D3KooWServer';
      },
    },
  );
  return { clock, dials, r, drop: () => (connected = false) };
}

describe('Redialer', () => {
  it('dials at start and backs off, capped, until a dial succeeds', async () => {
    const { clock, dials, r } = redialer(6);
    r.start();
    await clock.advanceAsync(60_000);
    assert.equal(dials.length, 6);
    const gaps = dials.slice(1).map((t, i) => t - dials[i]);
    assert.ok(
      gaps.every((g) => g <= 8000),
      `gaps ${gaps}`,
    );
    assert.ok(gaps[3] > gaps[0], `grows: ${gaps}`);
    r.stop();
  });

  it('redials when the bootstrap peer drops, and stops for good on stop', async () => {
    const { clock, dials, r, drop } = redialer(1);
    r.start();
    await clock.advanceAsync(10);
    assert.equal(dials.length, 1);
    drop();
    r.peerDisconnected('12D3KooWServer');
    await clock.advanceAsync(5000);
    assert.equal(dials.length, 2);
    r.stop();
    drop();
    r.peerDisconnected('12D3KooWServer');
    await clock.advanceAsync(60_000);
    assert.equal(dials.length, 2);
  });
});

describe('gossip host helpers', () => {
  it('reads the peer id at the end of a plain or relayed multiaddr', () => {
    assert.equal(peerIdOfAddress(address), '12D3KooWServer');
    assert.equal(peerIdOfAddress('/ip4/1.2.3.4/tcp/1/p2p/R/p2p-circuit/p2p/C'), 'C');
    assert.equal(peerIdOfAddress('/ip4/1.2.3.4/tcp/1'), undefined);
  });

  it("expands a 32-byte seed to libp2p's 64-byte seed-and-public-key form", () => {
    const seed = new Uint8Array(32).fill(7);
    const raw = ed25519Libp2pRaw(seed);
    assert.equal(raw.length, 64);
    assert.deepEqual(raw.subarray(0, 32), seed);
    assert.deepEqual(ed25519Libp2pRaw(raw), raw);
    assert.throws(() => ed25519Libp2pRaw(new Uint8Array(31)), /nodeKey: Invalid value: 31 bytes/);
  });
});
