/**
 * The server side of wasi:http/types: the request a guest receives, the response it builds and
 * the outparam it sets. The worker builds one IncomingRequest + ResponseOutparam per request
 * and reads the outcome from the outparam once `handle` returns.
 */
import { BodyCollector, IncomingBody, OutgoingBody, errNoPayload } from './bodies.ts';
import { Fields, pairsToEntries } from './fields.ts';
import { methodFromString, type Method, type Scheme } from './method.ts';
import type { ErrorCode } from './error-code.ts';
import type { ServeRequest } from './messages.ts';

export class IncomingRequest {
  readonly #req: ServeRequest;
  readonly #headers: Fields;
  #consumed = false;

  constructor(req: ServeRequest) {
    this.#req = req;
    this.#headers = Fields.fromHost(pairsToEntries(req.headers)).freeze();
  }
  method(): Method {
    return methodFromString(this.#req.method);
  }
  pathWithQuery(): string | undefined {
    return this.#req.pathWithQuery;
  }
  scheme(): Scheme | undefined {
    return this.#req.scheme === 'https' ? { tag: 'HTTPS' } : { tag: 'HTTP' };
  }
  authority(): string | undefined {
    return this.#req.authority;
  }
  headers(): Fields {
    return this.#headers;
  }
  consume(): IncomingBody | typeof errNoPayload {
    if (this.#consumed) return errNoPayload;
    this.#consumed = true;
    return new IncomingBody(this.#req.body);
  }
}

const statusValid = (status: number): boolean =>
  Number.isInteger(status) && status >= 100 && status <= 999;

export class OutgoingResponse {
  readonly #headers: Fields;
  readonly #bodyBytesMax: number;
  #status = 200;
  #body: OutgoingBody | undefined;

  constructor(headers: Fields) {
    // The guest gave up its handle to `headers`; it is now the response's, read-only.
    this.#headers = headers.freeze();
    this.#bodyBytesMax = outgoingResponseLimits.bodyBytesMax;
  }
  statusCode(): number {
    return this.#status;
  }
  setStatusCode(status: number): { tag: 'ok' | 'err'; val: undefined } {
    if (!statusValid(status)) return errNoPayload;
    this.#status = status;
    return { tag: 'ok', val: undefined };
  }
  headers(): Fields {
    return this.#headers;
  }
  body(): OutgoingBody | typeof errNoPayload {
    if (this.#body) return errNoPayload;
    const sizeError = (size: bigint): ErrorCode => ({ tag: 'HTTP-response-body-size', val: size });
    this.#body = new OutgoingBody(new BodyCollector(this.#bodyBytesMax), sizeError);
    return this.#body;
  }
  /** Host-side: what to send; `undefined` body when the guest never asked for one. */
  get outcome(): { status: number; headers: Fields; body: BodyCollector | undefined } {
    return { status: this.#status, headers: this.#headers, body: this.#body?.collector };
  }
}

/**
 * Set once per worker from HttpWorkerData: jco calls the constructor with the headers only, and a
 * worker runs exactly one instance.
 */
export const outgoingResponseLimits = { bodyBytesMax: 3 * 1024 * 1024 };

export type ResponseResult = { tag: 'ok'; val: OutgoingResponse } | { tag: 'err'; val: ErrorCode };

export class ResponseOutparam {
  result: ResponseResult | undefined;

  static set(param: ResponseOutparam, response: ResponseResult): void {
    param.result = response;
  }
}
