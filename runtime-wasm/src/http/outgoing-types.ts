/**
 * The client side of wasi:http/types (outgoing-request, request-options, incoming-response,
 * future-incoming-response) and `outgoing-handler.handle`. A request is sent to the parent once
 * its body is complete: at `handle` if the guest finished (or never opened) the body, else at
 * `outgoing-body.finish`, or, if the guest waits for the response first, with what it wrote.
 */
import { Pollable } from '../host/wasi/io.ts';
import { BodyCollector, IncomingBody, OutgoingBody, errNoPayload } from './bodies.ts';
import { sanitizeErrorCode, type ErrorCode } from './error-code.ts';
import { Fields, pairsToEntries } from './fields.ts';
import {
  isValidAuthority,
  isValidMethod,
  isValidPathWithQuery,
  isValidScheme,
  methodToString,
  schemeToString,
  type Method,
  type Scheme,
} from './method.ts';
import type { OutgoingChannel } from './outgoing-channel.ts';

type Ok = { tag: 'ok'; val: undefined };
const ok: Ok = { tag: 'ok', val: undefined };

/** Set once per worker from HttpWorkerData (one instance per worker). */
export const outgoingRequestLimits = { bodyBytesMax: 3 * 1024 * 1024 };

export class OutgoingRequest {
  readonly headersField: Fields;
  #method: Method = { tag: 'get' };
  #path: string | undefined;
  #scheme: Scheme | undefined;
  #authority: string | undefined;
  #body: OutgoingBody | undefined;
  /** Called when the guest finishes the body (after `handle` has taken the request). */
  onBodyFinished: (() => void) | undefined;

  constructor(headers: Fields) {
    this.headersField = headers.freeze();
  }
  body(): OutgoingBody | typeof errNoPayload {
    if (this.#body) return errNoPayload;
    const sizeError = (size: bigint): ErrorCode => ({ tag: 'HTTP-request-body-size', val: size });
    const collector = new BodyCollector(outgoingRequestLimits.bodyBytesMax);
    this.#body = new OutgoingBody(collector, sizeError, () => this.onBodyFinished?.());
    return this.#body;
  }
  method(): Method {
    return this.#method;
  }
  setMethod(method: Method): Ok | typeof errNoPayload {
    if (!isValidMethod(method)) return errNoPayload;
    this.#method = method;
    return ok;
  }
  pathWithQuery(): string | undefined {
    return this.#path;
  }
  setPathWithQuery(path: string | undefined): Ok | typeof errNoPayload {
    if (!isValidPathWithQuery(path)) return errNoPayload;
    this.#path = path;
    return ok;
  }
  scheme(): Scheme | undefined {
    return this.#scheme;
  }
  setScheme(scheme: Scheme | undefined): Ok | typeof errNoPayload {
    if (!isValidScheme(scheme)) return errNoPayload;
    this.#scheme = scheme;
    return ok;
  }
  authority(): string | undefined {
    return this.#authority;
  }
  setAuthority(authority: string | undefined): Ok | typeof errNoPayload {
    if (!isValidAuthority(authority)) return errNoPayload;
    this.#authority = authority;
    return ok;
  }
  headers(): Fields {
    return this.headersField;
  }
  get bodyCollector(): BodyCollector | undefined {
    return this.#body?.collector;
  }
}

export class RequestOptions {
  #connect: bigint | undefined;
  #firstByte: bigint | undefined;
  #betweenBytes: bigint | undefined;

  connectTimeout(): bigint | undefined {
    return this.#connect;
  }
  setConnectTimeout(d: bigint | undefined): Ok {
    this.#connect = d;
    return ok;
  }
  firstByteTimeout(): bigint | undefined {
    return this.#firstByte;
  }
  setFirstByteTimeout(d: bigint | undefined): Ok {
    this.#firstByte = d;
    return ok;
  }
  betweenBytesTimeout(): bigint | undefined {
    return this.#betweenBytes;
  }
  setBetweenBytesTimeout(d: bigint | undefined): Ok {
    this.#betweenBytes = d;
    return ok;
  }
  /** The whole exchange is buffered, so the time limits add up to one budget. */
  budgetMs(): number | undefined {
    const parts = [this.#connect, this.#firstByte, this.#betweenBytes].filter(
      (d): d is bigint => d !== undefined,
    );
    if (parts.length === 0) return undefined;
    return Number(parts.reduce((a, b) => a + b, 0n) / 1_000_000n);
  }
}

export class IncomingResponse {
  readonly #status: number;
  readonly #headers: Fields;
  readonly #body: Uint8Array;
  #consumed = false;

  constructor(status: number, headers: [string, string][], body: Uint8Array) {
    this.#status = status;
    this.#headers = Fields.fromHost(pairsToEntries(headers)).freeze();
    this.#body = body;
  }
  status(): number {
    return this.#status;
  }
  headers(): Fields {
    return this.#headers;
  }
  consume(): IncomingBody | typeof errNoPayload {
    if (this.#consumed) return errNoPayload;
    this.#consumed = true;
    return new IncomingBody(this.#body);
  }
}

type FutureResult =
  | { tag: 'ok'; val: { tag: 'ok'; val: IncomingResponse } | { tag: 'err'; val: ErrorCode } }
  | typeof errNoPayload;

export class FutureIncomingResponse {
  readonly #channel: OutgoingChannel;
  readonly #send: () => number;
  #id: number | undefined;
  #taken = false;

  /** `send` posts the request (once) and returns its channel id. */
  constructor(channel: OutgoingChannel, send: () => number) {
    this.#channel = channel;
    this.#send = send;
  }
  /** Sends now if the body is complete; otherwise the body's finish will. */
  sendNow(): void {
    this.#id ??= this.#send();
  }
  subscribe(): Pollable {
    return new Pollable({
      ready: () => this.#taken || this.#channel.ready(this.#ensureSent()),
      block: () => {
        if (!this.#taken) this.#channel.block(this.#ensureSent());
      },
    });
  }
  get(): FutureResult | undefined {
    if (this.#taken) return errNoPayload;
    const reply = this.#channel.take(this.#ensureSent());
    if (!reply) return undefined;
    this.#taken = true;
    if (!reply.ok) return { tag: 'ok', val: { tag: 'err', val: sanitizeErrorCode(reply.error) } };
    const res = new IncomingResponse(reply.status, reply.headers, reply.body);
    return { tag: 'ok', val: { tag: 'ok', val: res } };
  }
  #ensureSent(): number {
    this.sendNow();
    return this.#id!;
  }
}

/** The absolute URL a request goes to, or `undefined` when it cannot name one. */
export function requestUrl(req: OutgoingRequest): string | undefined {
  const authority = req.authority();
  if (!authority) return undefined;
  const url = `${schemeToString(req.scheme())}://${authority}${req.pathWithQuery() ?? '/'}`;
  return URL.canParse(url) ? url : undefined;
}

/** wasi:http/outgoing-handler `handle`, sending through the worker's channel. */
export function outgoingHandle(channel: OutgoingChannel) {
  return (req: OutgoingRequest, options: RequestOptions | undefined): FutureIncomingResponse => {
    const url = requestUrl(req);
    if (url === undefined) throw { tag: 'HTTP-request-URI-invalid' } satisfies ErrorCode;
    const collector = req.bodyCollector;
    if (collector?.overflowed) throw { tag: 'HTTP-request-body-size', val: BigInt(collector.size) };
    const send = (): number =>
      channel.send({
        method: methodToString(req.method()),
        url,
        headers: req.headersField.toPairs(),
        body: collector?.bytes() ?? new Uint8Array(0),
        timeoutMs: options?.budgetMs(),
      });
    const future = new FutureIncomingResponse(channel, send);
    if (!collector || collector.finished) future.sendNow();
    else req.onBodyFinished = () => future.sendNow();
    return future;
  };
}
