// A wasi:http guest for the http-service tests, built with componentize-js. It calls the
// wasi:http API directly (no fetch event) so each route exercises one part of our host.
/* global TextEncoder, TextDecoder -- StarlingMonkey provides them */
import {
  Fields,
  OutgoingBody,
  OutgoingRequest,
  OutgoingResponse,
  ResponseOutparam,
} from 'wasi:http/types@0.2.12';
import { handle as sendOutgoing } from 'wasi:http/outgoing-handler@0.2.12';

const enc = new TextEncoder();
const dec = new TextDecoder();
let served = 0;

function readAll(incoming) {
  const body = incoming.consume();
  const stream = body.stream();
  const parts = [];
  let total = 0;
  for (;;) {
    let chunk;
    try {
      chunk = stream.blockingRead(65536n);
    } catch {
      break; // closed
    }
    parts.push(chunk);
    total += chunk.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function respond(out, status, headerList, chunks) {
  const headers = Fields.fromList(headerList.map(([k, v]) => [k, enc.encode(v)]));
  const res = new OutgoingResponse(headers);
  res.setStatusCode(status);
  const body = res.body();
  ResponseOutparam.set(out, { tag: 'ok', val: res });
  const stream = body.write();
  for (const c of chunks) stream.blockingWriteAndFlush(typeof c === 'string' ? enc.encode(c) : c);
  OutgoingBody.finish(body, undefined);
}

function errorTag(e) {
  if (e && e.payload && e.payload.tag) return e.payload.tag;
  if (e && e.tag) return e.tag;
  return String(e);
}

function callOutgoing(target, method) {
  const url = new URL(target);
  const headers = Fields.fromList([['x-from-guest', enc.encode('yes')]]);
  const req = new OutgoingRequest(headers);
  req.setMethod(method === 'POST' ? { tag: 'post' } : { tag: 'get' });
  req.setScheme(url.protocol === 'https:' ? { tag: 'HTTPS' } : { tag: 'HTTP' });
  req.setAuthority(url.host);
  req.setPathWithQuery(url.pathname + url.search);
  const body = req.body();
  if (method === 'POST') {
    const s = body.write();
    s.blockingWriteAndFlush(enc.encode('ping from guest'));
  }
  OutgoingBody.finish(body, undefined);
  let future;
  try {
    future = sendOutgoing(req, undefined);
  } catch (e) {
    return { error: errorTag(e) };
  }
  future.subscribe().block();
  const got = future.get();
  if (got.tag === 'err') return { error: 'future-consumed' };
  if (got.val.tag === 'err') return { error: errorTag(got.val.val) };
  const res = got.val.val;
  const echoed = res
    .headers()
    .get('x-from-policy')
    .map((v) => dec.decode(v));
  return { status: res.status(), header: echoed.join(','), body: dec.decode(readAll(res)) };
}

function route(req, out) {
  served++;
  const url = new URL(req.pathWithQuery() ?? '/', 'http://guest');
  const method = req.method().tag;
  switch (url.pathname) {
    case '/hello':
      return respond(out, 200, [['content-type', 'text/plain']], ['hello from wasm']);
    case '/headers': {
      const echo = req
        .headers()
        .entries()
        .filter(([k]) => k.startsWith('x-'))
        .map(([k, v]) => [k, dec.decode(v)]);
      const info = JSON.stringify({ method, path: url.pathname + url.search });
      return respond(out, 203, [...echo, ['content-type', 'application/json']], [info]);
    }
    case '/echo':
      return respond(out, 200, [['x-method', method]], [readAll(req)]);
    case '/count':
      return respond(out, 200, [], [String(served)]);
    case '/stream':
      return respond(out, 200, [], ['one,', 'two,', 'three']);
    case '/loop':
      for (;;) served++;
    case '/trap':
      throw new Error('guest trap on purpose');
    case '/fetch': {
      const r = callOutgoing(url.searchParams.get('url'), url.searchParams.get('method'));
      if (r.error) return respond(out, 502, [], ['error:' + r.error]);
      return respond(out, 200, [], [`status=${r.status} header=${r.header} body=${r.body}`]);
    }
    default:
      return respond(out, 404, [], ['no route ' + url.pathname]);
  }
}

export const incomingHandler = {
  handle(req, out) {
    route(req, out);
  },
};
