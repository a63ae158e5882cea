import assert from 'node:assert/strict';
import net from 'node:net';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import type { ByteSink, GossipStream } from '@wisp/core';
import { spliceTunnel } from './socket-splice.ts';
import { Tunnel } from './tunnel.ts';

/** A stream whose far side the test plays: what was sent, and calls to push data or an end. */
class FarSide implements GossipStream {
  readonly peer = 'peer-b';
  readonly protocol = '/wisp/v1/mesh/tcp';
  readonly sent: string[] = [];
  readonly calls: string[] = [];
  sink: ByteSink | undefined;
  paused = true;
  room = true;
  #ended = false;

  send(data: Uint8Array): boolean {
    this.sent.push(Buffer.from(data).toString());
    return this.room;
  }
  async onDrain(): Promise<void> {}
  read(sink: ByteSink): void {
    this.sink = sink;
  }
  pause(): void {
    this.paused = true;
    this.calls.push('pause');
  }
  resume(): void {
    this.paused = false;
    this.calls.push('resume');
  }
  async close(): Promise<void> {
    this.calls.push('close');
  }
  abort(error: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.calls.push(`abort: ${error.message}`);
    this.sink?.end(error);
  }
}

async function socketPair(): Promise<[ours: net.Socket, client: net.Socket, close: () => void]> {
  const server = net.createServer({ allowHalfOpen: true });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const client = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const ours = await accepted;
  return [ours, client, () => server.close()];
}

function collect(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    socket.on('data', (c: Buffer) => (got += c.toString()));
    socket.once('end', () => resolve(got));
  });
}

describe('spliceTunnel', () => {
  it('carries bytes both ways, the header’s leftover first, and keeps half-closes', async () => {
    const [ours, client, close] = await socketPair();
    const far = new FarSide();
    const done = spliceTunnel(ours, new Tunnel(far, Buffer.from('HTTP/1.1 ')));
    const answer = collect(client);
    client.end('GET / HTTP/1.1\r\n\r\n');
    await new Promise((r) => ours.once('end', r));
    assert.deepEqual(far.sent, ['GET / HTTP/1.1\r\n\r\n']);
    assert.ok(far.calls.includes('close'), 'the client’s half-close reaches the stream');
    assert.equal(far.paused, false, 'the stream is resumed once the sink holds the leftover');
    far.sink!.data(Buffer.from('200 OK\r\n\r\n'));
    far.sink!.end();
    assert.equal(await answer, 'HTTP/1.1 200 OK\r\n\r\n');
    client.destroy();
    const result = await done;
    assert.deepEqual(result, { bytesOut: 18, bytesIn: 19, error: undefined });
    assert.ok(!far.calls.some((c) => c.startsWith('abort')), 'a clean end resets nothing');
    close();
  });

  it('pauses the stream while the socket is full and resumes it on drain', async () => {
    let release: (() => void) | undefined;
    const slow = new Duplex({
      writableHighWaterMark: 4,
      read() {},
      write(_chunk, _enc, cb) {
        release = cb;
      },
    });
    const far = new FarSide();
    void spliceTunnel(slow, new Tunnel(far, new Uint8Array(0)));
    far.sink!.data(Buffer.from('more than four bytes'));
    assert.deepEqual(far.calls, ['resume', 'pause']);
    release!();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(far.calls, ['resume', 'pause', 'resume']);
    slow.destroy();
  });

  it('pauses the socket while the stream has no room', async () => {
    const [ours, client, close] = await socketPair();
    const far = new FarSide();
    far.room = false;
    let drained: (() => void) | undefined;
    far.onDrain = () => new Promise<void>((r) => (drained = r));
    void spliceTunnel(ours, new Tunnel(far, new Uint8Array(0)));
    client.write('first');
    await new Promise((r) => ours.once('pause', r));
    assert.equal(ours.isPaused(), true);
    drained!();
    await new Promise((r) => ours.once('resume', r));
    client.destroy();
    close();
  });

  it('resets the stream when the client resets its connection', async () => {
    const [ours, client, close] = await socketPair();
    const far = new FarSide();
    const done = spliceTunnel(ours, new Tunnel(far, new Uint8Array(0)));
    client.resetAndDestroy();
    const result = await done;
    assert.equal((result.error as NodeJS.ErrnoException | undefined)?.code, 'ECONNRESET');
    assert.ok(
      far.calls.some((c) => c.startsWith('abort')),
      'the stream is reset too',
    );
    close();
  });

  it('resets the stream when the socket closes with the stream still open', async () => {
    const far = new FarSide();
    const socket = new Duplex({ read() {}, write: (_c, _e, cb) => cb() });
    const done = spliceTunnel(socket, new Tunnel(far, new Uint8Array(0)));
    socket.destroy();
    const result = await done;
    assert.equal(result.error?.message, 'client socket closed');
    assert.ok(far.calls.includes('abort: client socket closed'));
  });
});
