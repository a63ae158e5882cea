/**
 * The client against a scripted local HTTP server: what goes on the wire, and how answers,
 * errors and watch streams come back. TLS, client certificates and CA pinning are exercised
 * against the real apiserver in test/kube-client.test.ts.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '../fake-clock.ts';
import { createKubeClient } from './client.ts';
import type { KubeClient } from './client.ts';
import {
  KubeAlreadyExistsError,
  KubeGoneError,
  KubeNotFoundError,
  KubeResponseTooLargeError,
  KubeTimeoutError,
} from './errors.ts';

const PODS = { group: '', version: 'v1', plural: 'pods', namespaced: true };

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: Seen, res: ServerResponse) => void;

describe('KubeClient', () => {
  let server: Server;
  let url: string;
  let handler: Handler;
  let seen: Seen[];
  let sockets: number;
  let client: KubeClient;

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const s = { method: req.method!, url: req.url!, headers: req.headers, body };
        seen.push(s);
        handler(s, res);
      });
    });
    server.on('connection', () => sockets++);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    client?.close();
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  });
  beforeEach(() => {
    seen = [];
    sockets = 0;
    client?.close();
    client = createKubeClient({ server: url, token: 't0ken', responseBytesMax: 4096 });
  });

  const json = (res: ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name } });

  it('creates with a bearer token and write options, reusing one keep-alive socket', async () => {
    handler = (req, res) => json(res, 201, JSON.parse(req.body));
    const created = await client.create(PODS, 'default', pod('a'), {
      fieldManager: 'agent',
      dryRun: true,
    });
    await client.create(PODS, 'default', pod('b'));
    assert.equal(created.metadata.name, 'a');
    assert.equal(seen[0].method, 'POST');
    assert.equal(seen[0].url, '/api/v1/namespaces/default/pods?fieldManager=agent&dryRun=All');
    assert.equal(seen[0].headers.authorization, 'Bearer t0ken');
    assert.equal(seen[0].headers['content-type'], 'application/json');
    assert.equal(sockets, 1);
  });

  it('throws the named error of a Status answer', async () => {
    handler = (_req, res) =>
      json(res, 409, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        reason: 'AlreadyExists',
        message: 'pods "a" already exists',
        code: 409,
      });
    await assert.rejects(client.create(PODS, 'default', pod('a')), (e: Error) => {
      assert.ok(e instanceof KubeAlreadyExistsError);
      assert.equal(e.code, 'ERR_ALREADY_EXISTS');
      assert.equal(e.statusCode, 409);
      assert.equal(e.message, 'pods "a" already exists');
      return true;
    });
    handler = (_req, res) => {
      res.writeHead(404);
      res.end('no such thing');
    };
    await assert.rejects(client.get(PODS, 'default', 'a'), KubeNotFoundError);
  });

  it('sends each patch type with its content type, to status if asked', async () => {
    handler = (_req, res) => json(res, 200, pod('a'));
    await client.patch(PODS, 'default', 'a', 'merge', { metadata: { labels: { x: 'y' } } });
    await client.patch(
      PODS,
      'default',
      'a',
      'strategic',
      { status: {} },
      { subresource: 'status' },
    );
    await client.patch(PODS, 'default', 'a', 'json', [{ op: 'remove', path: '/x' }]);
    await client.patch(PODS, 'default', 'a', 'apply', pod('a'), {
      fieldManager: 'me',
      force: true,
    });
    assert.deepEqual(
      seen.map((s) => [s.url, s.headers['content-type']]),
      [
        ['/api/v1/namespaces/default/pods/a', 'application/merge-patch+json'],
        ['/api/v1/namespaces/default/pods/a/status', 'application/strategic-merge-patch+json'],
        ['/api/v1/namespaces/default/pods/a', 'application/json-patch+json'],
        [
          '/api/v1/namespaces/default/pods/a?fieldManager=me&force=true',
          'application/apply-patch+yaml',
        ],
      ],
    );
    assert.deepEqual(JSON.parse(seen[2].body), [{ op: 'remove', path: '/x' }]);
  });

  it('puts status writes to the status subresource and deletes with DeleteOptions', async () => {
    handler = (req, res) => json(res, 200, req.method === 'PUT' ? JSON.parse(req.body) : pod('a'));
    const p = { ...pod('a'), status: { phase: 'Running' } };
    await client.updateStatus(PODS, 'default', p);
    await client.delete(PODS, 'default', 'a', {
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u1' },
    });
    assert.equal(seen[0].method, 'PUT');
    assert.equal(seen[0].url, '/api/v1/namespaces/default/pods/a/status');
    assert.equal(seen[1].method, 'DELETE');
    assert.deepEqual(JSON.parse(seen[1].body), {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u1' },
    });
  });

  it('refuses an answer larger than responseBytesMax', async () => {
    handler = (_req, res) => json(res, 200, { ...pod('a'), pad: 'x'.repeat(5000) });
    await assert.rejects(client.list(PODS, 'default'), KubeResponseTooLargeError);
  });

  it('streams watch events cut across chunks until the server ends the stream', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const text =
        JSON.stringify({ type: 'ADDED', object: pod('a') }) +
        '\n' +
        JSON.stringify({ type: 'MODIFIED', object: pod('a') }) +
        '\n';
      res.write(text.slice(0, 10));
      res.write(text.slice(10, 60));
      res.end(text.slice(60));
    };
    const types: string[] = [];
    for await (const ev of client.watch(PODS, 'default', {
      resourceVersion: '5',
      labelSelector: 'a=b',
    })) {
      types.push(`${ev.type} ${ev.object.metadata.name}`);
    }
    assert.deepEqual(types, ['ADDED a', 'MODIFIED a']);
    assert.equal(
      seen[0].url,
      '/api/v1/namespaces/default/pods?labelSelector=a%3Db&resourceVersion=5&watch=true',
    );
  });

  it('throws an ERROR event as its named error', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      const status = {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        reason: 'Expired',
        code: 410,
        message: 'too old resource version: 1 (7)',
      };
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
    };
    await assert.rejects(async () => {
      for await (const _ev of client.watch(PODS, undefined, { resourceVersion: '1' })) {
        // drain
      }
    }, KubeGoneError);
  });

  it('ends a watch quietly when aborted or broken out of, closing the connection', async () => {
    let closedCount = 0;
    const { promise: bothClosed, resolve } = Promise.withResolvers<void>();
    handler = (_req, res) => {
      res.writeHead(200);
      res.write(`${JSON.stringify({ type: 'ADDED', object: pod('a') })}\n`);
      res.on('close', () => {
        if (++closedCount === 2) resolve();
      });
    };
    const ac = new AbortController();
    const got: string[] = [];
    for await (const ev of client.watch(PODS, 'default', { signal: ac.signal })) {
      got.push(ev.type);
      ac.abort();
    }
    for await (const _ev of client.watch(PODS, 'default')) break;
    assert.deepEqual(got, ['ADDED']);
    await bothClosed;
  });

  it('times a request out on its clock', async () => {
    const clock = new FakeClock();
    const timed = createKubeClient({ server: url, requestTimeoutMs: 5000 }, { clock });
    const { promise: arrived, resolve } = Promise.withResolvers<ServerResponse>();
    handler = (_req, res) => resolve(res);
    const pending = timed.get(PODS, 'default', 'slow');
    const answer = await arrived;
    clock.advance(4999);
    clock.advance(1);
    await assert.rejects(pending, KubeTimeoutError);
    answer.destroy();
    timed.close();
    assert.throws(() => createKubeClient({ server: url, requestTimeoutMs: 1 }), TypeError);
  });
});
