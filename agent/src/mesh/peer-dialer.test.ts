import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { peerIdOfAddress, type PeerEvent, type RequestOptions } from '@wisp/core';
import { FakeClock } from '@wisp/testkit';
import { MeshConnectError } from './mesh-errors.ts';
import { directRouteShare, PeerDialer } from './peer-dialer.ts';

const peer = '12D3KooWTarget';
const relay = '/ip4/10.0.0.1/tcp/4001/p2p/12D3KooWRelay';
const circuit = `${relay}/p2p-circuit/p2p/${peer}`;
const connectTimeoutMs = 5000;
const at = (host: string) => `/ip4/${host}/tcp/4001/p2p/${peer}`;

/** `unadmitted`: connects, but the peer never passes admission. */
type Behaviour = 'ok' | 'unadmitted' | 'refuse' | 'hang';

interface Dial {
  readonly address: string;
  readonly atMs: number;
  readonly timeoutMs: number | undefined;
  ended?: 'ok' | 'refused' | 'timeout' | 'aborted';
}

/** A network where each address connects, refuses at once, or swallows packets. */
function network(behaviours: Record<string, Behaviour>) {
  const clock = new FakeClock();
  const dials: Dial[] = [];
  const admitted = new Set<string>();
  const listeners = new Set<(e: PeerEvent) => void>();
  const connect = (id: string) => {
    admitted.add(id);
    for (const l of listeners) l({ type: 'connect', peer: id });
  };
  const dial = (address: string, options: RequestOptions = {}) =>
    new Promise<string>((resolve, reject) => {
      const d: Dial = { address, atMs: clock.monotonic(), timeoutMs: options.timeoutMs };
      dials.push(d);
      const behaviour = behaviours[address] ?? 'refuse';
      if (behaviour === 'refuse') {
        d.ended = 'refused';
        return reject(new Error(`${address}: ECONNREFUSED`));
      }
      if (behaviour === 'ok' || behaviour === 'unadmitted') {
        clock.setTimeout(() => {
          d.ended = 'ok';
          resolve(peerIdOfAddress(address)!);
          if (behaviour === 'ok') clock.setTimeout(() => connect(peerIdOfAddress(address)!), 5);
        }, 5);
        return;
      }
      const timer = clock.setTimeout(() => {
        d.ended = 'timeout';
        reject(new Error(`${address}: timed out`));
      }, options.timeoutMs ?? 10_000);
      options.signal?.addEventListener('abort', () => {
        clock.clearTimeout(timer);
        d.ended ??= 'aborted';
        reject(new Error(`${address}: aborted`));
      });
    });
  const gossip = {
    peers: () => [...admitted],
    onPeer(l: (e: PeerEvent) => void) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    dial,
  };
  const dialer = (relays: string[] = [relay]) =>
    new PeerDialer({ gossip, clock, relays, connectTimeoutMs });
  /** Runs `reach` on fake time; resolves with when it settled and how. */
  async function settle(p: Promise<void>, withinMs = 2 * connectTimeoutMs) {
    let outcome: { error?: unknown } | undefined;
    p.then(
      () => (outcome = {}),
      (error: unknown) => (outcome = { error }),
    );
    const startMs = clock.monotonic();
    while (!outcome && clock.monotonic() - startMs < withinMs) await clock.advanceAsync(10);
    assert.ok(outcome, `not settled within ${withinMs} ms`);
    return { ...outcome, afterMs: clock.monotonic() - startMs };
  }
  return { clock, dials, dialer, settle, connect };
}

describe('PeerDialer', () => {
  it('tries every direct address in order and reaches the peer without the relay', async () => {
    const net = network({ [at('10.1.0.5')]: 'ok' });
    const routes = [at('192.168.1.5'), at('172.17.0.1'), at('10.1.0.5'), at('127.0.0.1')];
    const got = await net.settle(net.dialer().reach(peer, routes));
    assert.equal(got.error, undefined);
    assert.deepEqual(
      net.dials.map((d) => d.address),
      routes.slice(0, 3),
    );
  });

  it('falls back to the relay only after every direct address failed', async () => {
    const net = network({ [circuit]: 'ok' });
    const got = await net.settle(net.dialer().reach(peer, [at('192.168.1.5'), at('127.0.0.1')]));
    assert.equal(got.error, undefined);
    assert.deepEqual(
      net.dials.map((d) => d.address),
      [at('192.168.1.5'), at('127.0.0.1'), circuit],
    );
  });

  it('gives silent addresses their slice only, so the relay still gets its share', async () => {
    const net = network({ [at('192.168.1.5')]: 'hang', [at('10.9.9.9')]: 'hang', [circuit]: 'ok' });
    const got = await net.settle(net.dialer().reach(peer, [at('192.168.1.5'), at('10.9.9.9')]));
    assert.equal(got.error, undefined);
    const directMs = connectTimeoutMs * directRouteShare;
    assert.deepEqual(
      net.dials.map((d) => [d.address, d.atMs, d.timeoutMs, d.ended]),
      [
        [at('192.168.1.5'), 0, directMs / 2, 'timeout'],
        [at('10.9.9.9'), directMs / 2, directMs / 2, 'timeout'],
        [circuit, directMs, connectTimeoutMs - directMs, 'ok'],
      ],
    );
    assert.ok(got.afterMs < connectTimeoutMs, `${got.afterMs} ms`);
  });

  it('gives direct addresses the whole budget when there is no relay to fall back to', async () => {
    const net = network({ [at('192.168.1.5')]: 'hang', [at('127.0.0.1')]: 'ok' });
    const got = await net.settle(net.dialer([]).reach(peer, [at('192.168.1.5'), at('127.0.0.1')]));
    assert.equal(got.error, undefined);
    assert.deepEqual(
      net.dials.map((d) => d.timeoutMs),
      [connectTimeoutMs / 2, connectTimeoutMs / 2],
    );
  });

  it('gives up with no-route within connectTimeoutMs when no route answers', async () => {
    const net = network({ [at('192.168.1.5')]: 'hang', [circuit]: 'hang' });
    const got = await net.settle(net.dialer().reach(peer, [at('192.168.1.5')]));
    assert.ok(got.error instanceof MeshConnectError, String(got.error));
    assert.equal(got.error.reason, 'no-route');
    assert.ok(got.afterMs <= connectTimeoutMs + 10, `${got.afterMs} ms`);
    assert.ok(
      net.dials.every((d) => d.ended === 'timeout' || d.ended === 'aborted'),
      'no dial left running',
    );
  });

  it('times out within connectTimeoutMs when a route connects but the peer is not admitted', async () => {
    const net = network({ [at('192.168.1.5')]: 'unadmitted' });
    const got = await net.settle(net.dialer().reach(peer, [at('192.168.1.5')]));
    assert.ok(got.error instanceof MeshConnectError, String(got.error));
    assert.equal(got.error.reason, 'timeout');
    assert.ok(got.afterMs <= connectTimeoutMs + 10, `${got.afterMs} ms`);
  });

  it('stops dialling, cancelling the dial, once the peer connects to it', async () => {
    const net = network({ [at('192.168.1.5')]: 'hang' });
    const reaching = net.dialer().reach(peer, [at('192.168.1.5')]);
    net.clock.setTimeout(() => net.connect(peer), 100);
    const got = await net.settle(reaching);
    assert.equal(got.error, undefined);
    assert.ok(got.afterMs <= 110, `${got.afterMs} ms`);
    assert.deepEqual(
      net.dials.map((d) => d.ended),
      ['aborted'],
    );
  });

  it('dials no address that names another peer or none', async () => {
    const net = network({ [circuit]: 'ok' });
    const foreign = ['/ip4/192.168.1.5/tcp/4001/p2p/12D3KooWOther', '/ip4/192.168.1.6/tcp/4001'];
    const got = await net.settle(net.dialer().reach(peer, foreign));
    assert.equal(got.error, undefined);
    assert.deepEqual(
      net.dials.map((d) => [d.address, d.timeoutMs]),
      [[circuit, connectTimeoutMs]],
    );
  });

  it('runs one search per peer however many callers wait on it', async () => {
    const net = network({ [at('192.168.1.5')]: 'ok' });
    const dialer = net.dialer();
    const both = Promise.all([
      dialer.reach(peer, [at('192.168.1.5')]),
      dialer.reach(peer, [at('192.168.1.5')]),
    ]).then(() => undefined);
    const got = await net.settle(both);
    assert.equal(got.error, undefined);
    assert.equal(net.dials.length, 1);
  });
});
