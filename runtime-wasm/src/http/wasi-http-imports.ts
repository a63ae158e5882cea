/**
 * Our own `wasi:http/types` and `wasi:http/outgoing-handler` for the instance in this worker,
 * handed to HOST's `buildImports` as `extra`. Everything is synchronous, as jco (without JSPI)
 * calls imports; bodies are the io.ts streams so they mix with every other interface.
 *
 *   const http = httpImports({ channel, responseBytesMax, outgoingRequestBytesMax });
 *   const imports = buildImports(ctx, http);
 */
import { FutureTrailers, IncomingBody, OutgoingBody } from './bodies.ts';
import { Fields } from './fields.ts';
import {
  IncomingRequest,
  OutgoingResponse,
  ResponseOutparam,
  outgoingResponseLimits,
} from './incoming-types.ts';
import type { OutgoingChannel } from './outgoing-channel.ts';
import {
  FutureIncomingResponse,
  IncomingResponse,
  OutgoingRequest,
  RequestOptions,
  outgoingHandle,
  outgoingRequestLimits,
} from './outgoing-types.ts';

export interface HttpWorkerContext {
  readonly channel: OutgoingChannel;
  readonly responseBytesMax: number;
  readonly outgoingRequestBytesMax: number;
}

/** Keyed by unversioned interface name; HOST adds the versioned keys the component names. */
export function httpImports(ctx: HttpWorkerContext): Record<string, Record<string, unknown>> {
  outgoingResponseLimits.bodyBytesMax = ctx.responseBytesMax;
  outgoingRequestLimits.bodyBytesMax = ctx.outgoingRequestBytesMax;
  return {
    'wasi:http/types': {
      Fields,
      FutureIncomingResponse,
      FutureTrailers,
      IncomingBody,
      IncomingRequest,
      IncomingResponse,
      OutgoingBody,
      OutgoingRequest,
      OutgoingResponse,
      RequestOptions,
      ResponseOutparam,
      // Bodies are buffered, so no stream error ever carries an HTTP error code.
      httpErrorCode: (): undefined => undefined,
    },
    'wasi:http/outgoing-handler': { handle: outgoingHandle(ctx.channel) },
  };
}
