import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, constants } from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '@wisp/core';
import { FakeClock, MemoryStore } from '@wisp/testkit';
import { createAuthenticator } from '../auth/authn.ts';
import { issueClientCert, issueServerCert, loadOrCreateCa } from '../pki/index.ts';
import type { IssuedCert } from '../pki/index.ts';
import { createRegistry } from '../registry/registry.ts';
import { createApiApp } from './app.ts';
import type { AuthnRequest } from './app.ts';
import { createHttpsServer } from './https-server.ts';
import type { HttpsServer } from './https-server.ts';

const nowMs = Date.UTC(2026, 0, 1);
const bodyBytesMax = 4096;
const cmPath = '/api/v1/namespaces/default/configmaps';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One request on an open HTTP/2 session, read to its end. */
async function h2(
  session: ClientHttp2Session,
  path: string,
  init: { method?: string; token?: string; body?: string } = {},
): Promise<Answer> {
  const stream = session.request({
    ':method': init.method ?? 'GET',
    ':path': path,
    ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    ...(init.body ? { 'content-type': 'application/json' } : {}),
  });
  stream.end(init.body);
  const [headers] = (await once(stream, 'response')) as [Record<string, string | number>];
  let body = '';
  for await (const chunk of stream) body += chunk;
  return { status: Number(headers[':status']), body };
}

/** The next `n` newline-separated JSON events a watch stream sends. */
async function events(stream: ClientHttp2Stream, n: number): Promise<{ type: string }[]> {
  const out: { type: string }[] = [];
  let buffered = '';
  while (out.length < n) {
    const [chunk] = (await once(stream, 'data')) as [Buffer];
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) out.push(JSON.parse(line) as { type: string });
  }
  return out;
}

const configMap = (name: string, data = 'v') =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: data } });

describe('the apiserver over HTTP/2 and HTTP/1.1 on one TLS port', () => {
  const clock = new FakeClock({ nowMs });
  const store = new MemoryStore();
  const watchSignals: AbortSignal[] = [];
  const peers: AuthnRequest['peerCertificate'][] = [];
  let server: HttpsServer;
  let dir: string;
  let caPem: string;
  let client: IssuedCert;
  let serving: IssuedCert;
  let app: ReturnType<typeof createApiApp>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wisp-h2-'));
    const random = seededRandom(7);
    const ca = await loadOrCreateCa(dir, { clock, random, commonName: 'wisp-ca' });
    caPem = ca.certPem;
    serving = await issueServerCert(ca, { hosts: ['127.0.0.1'], days: 3650 });
    client = await issueClientCert(ca, { user: 'alice', groups: ['dev'], days: 3650 });
    const storeWatch = store.watch.bind(store);
    store.watch = (prefix, from, signal) => {
      watchSignals.push(signal);
      return storeWatch(prefix, from, signal);
    };
    const registry = createRegistry({}, { store, clock, random });
    const byCert = createAuthenticator({
      caPem: ca.certPem,
      tokens: { lookup: (t) => (t === 'good' ? { name: 'bob', groups: [] } : undefined) },
    });
    app = createApiApp(
      { bodyBytesMax },
      {
        registry,
        clock,
        authorizer: {
          authorize: async () => ({ allowed: true, reason: '' }),
          forbiddenMessage: () => 'forbidden',
        },
        authenticate: (req) => {
          if (req.peerCertificate) peers.push(req.peerCertificate);
          return byCert(req);
        },
      },
    );
    server = createHttpsServer(
      { port: 0, certPem: serving.certPem, keyPem: serving.keyPem, caPem: ca.certPem },
      app as never,
    );
    await server.start();
    const s = await session(client);
    const ns = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'default' },
    });
    assert.equal((await h2(s, '/api/v1/namespaces', { method: 'POST', body: ns })).status, 201);
    s.close();
  });

  after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const session = async (cert?: IssuedCert): Promise<ClientHttp2Session> => {
    const s = connect(server.url(), {
      ca: caPem,
      ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
    });
    await once(s, 'connect');
    return s;
  };

  it('negotiates HTTP/2 by ALPN and authenticates a client certificate once per connection', async () => {
    const first = await session(client);
    assert.equal(first.alpnProtocol, 'h2');
    peers.length = 0;
    for (let i = 0; i < 3; i++) {
      assert.equal((await h2(first, '/api/v1/namespaces/default/configmaps')).status, 200);
    }
    assert.equal(peers.length, 3);
    assert.equal(new Set(peers).size, 1, 'one peer certificate read for the connection');
    const second = await session(client);
    assert.equal((await h2(second, cmPath)).status, 200);
    assert.equal(new Set(peers).size, 2, 'a new connection reads its own certificate');
    first.close();
    second.close();
  });

  it('accepts a bearer token over HTTP/2 and refuses an unknown one', async () => {
    const s = await session();
    assert.equal((await h2(s, cmPath, { token: 'good' })).status, 200);
    assert.equal((await h2(s, cmPath, { token: 'bad' })).status, 401);
    s.close();
  });

  it('refuses an HTTP/2 body over the cap with 413 and takes one under it', async () => {
    const s = await session(client);
    const big = configMap('big', 'x'.repeat(bodyBytesMax));
    assert.equal((await h2(s, cmPath, { method: 'POST', body: big })).status, 413);
    const small = await h2(s, cmPath, { method: 'POST', body: configMap('small') });
    assert.equal(small.status, 201, small.body);
    s.close();
  });

  it('still serves HTTP/1.1 clients, with their client certificate', async () => {
    const req = request(`${server.url()}${cmPath}`, {
      ca: caPem,
      cert: client.certPem,
      key: client.keyPem,
      agent: false,
    });
    req.end();
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    let body = '';
    for await (const chunk of res) body += chunk;
    assert.equal(res.httpVersion, '1.1');
    assert.equal(res.statusCode, 200);
    assert.match(body, /"kind":"ConfigMapList"/);
  });

  it('streams a watch over HTTP/2 with bookmarks and ends it when the client resets the stream', async () => {
    const s = await session(client);
    const before = watchSignals.length;
    const watch = s.request({
      ':path': `${cmPath}?watch=true&resourceVersion=1&allowWatchBookmarks=true`,
    });
    watch.end();
    const [headers] = (await once(watch, 'response')) as [Record<string, string | number>];
    assert.equal(headers[':status'], 200);
    assert.equal(headers['transfer-encoding'], undefined);
    assert.equal((await h2(s, cmPath, { method: 'POST', body: configMap('w1') })).status, 201);
    const [added] = await events(watch, 1);
    assert.equal(added.type, 'ADDED');
    const pending = events(watch, 1);
    await clock.advanceAsync(60_000);
    assert.deepEqual(
      (await pending).map((e) => e.type),
      ['BOOKMARK'],
    );
    const signal = watchSignals[before];
    assert.equal(signal.aborted, false);
    watch.close(constants.NGHTTP2_CANCEL);
    if (!signal.aborted) await once(signal, 'abort');
    // The connection outlives the stream: other requests still go through.
    assert.equal((await h2(s, cmPath)).status, 200);
    s.close();
  });

  it('closes an HTTP/2 connection once it has had no open stream for the keep-alive time', async () => {
    const quick = createHttpsServer(
      { port: 0, certPem: serving.certPem, keyPem: serving.keyPem, caPem, keepAliveTimeoutMs: 50 },
      app as never,
    );
    await quick.start();
    const s = connect(quick.url(), { ca: caPem, cert: client.certPem, key: client.keyPem });
    const watch = s.request({ ':path': `${cmPath}?watch=true` });
    watch.end();
    await once(watch, 'response');
    const closed = once(s, 'close');
    watch.close(constants.NGHTTP2_CANCEL);
    await closed;
    await quick.stop();
  });

  it('ends watches when the server stops', async () => {
    const s = await session(client);
    const watch = s.request({ ':path': `${cmPath}?watch=true` });
    watch.end();
    await once(watch, 'response');
    const closed = once(s, 'close');
    const signal = watchSignals.at(-1)!;
    await server.stop();
    await closed;
    if (!signal.aborted) await once(signal, 'abort');
    await server.start();
  });
});
