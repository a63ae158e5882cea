// hello-http: a wasi:http/incoming-handler that answers `hello from <pod name> #<counter>`.
//
// The handler is exported by hand (not through addEventListener('fetch')): componentize-js
// 0.22's fetch-event glue hangs or answers twice under jco's 0.2.12 WIT (DESIGN §14).
// Top-level code runs at build time (the engine is snapshotted), so the environment is read
// on the first request, not here.
/* global TextEncoder -- StarlingMonkey provides it, as browsers do */
import { getEnvironment } from 'wasi:cli/environment@0.2.12';
import { Fields, OutgoingBody, OutgoingResponse, ResponseOutparam } from 'wasi:http/types@0.2.12';

const encoder = new TextEncoder();
let podName;
let counter = 0;

function readPodName() {
  for (const [key, value] of getEnvironment()) if (key === 'POD_NAME') return value;
  return 'unknown';
}

function respond(responseOut, status, text) {
  const headers = Fields.fromList([['content-type', encoder.encode('text/plain; charset=utf-8')]]);
  const response = new OutgoingResponse(headers);
  response.setStatusCode(status);
  const body = response.body();
  ResponseOutparam.set(responseOut, { tag: 'ok', val: response });
  const stream = body.write();
  stream.blockingWriteAndFlush(encoder.encode(text));
  stream[Symbol.dispose]();
  OutgoingBody.finish(body, undefined);
}

export const incomingHandler = {
  handle(request, responseOut) {
    podName ??= readPodName();
    counter += 1;
    const path = request.pathWithQuery() ?? '/';
    console.log(`${request.method().tag.toUpperCase()} ${path} #${counter}`);
    respond(responseOut, 200, `hello from ${podName} #${counter}\n`);
  },
};
