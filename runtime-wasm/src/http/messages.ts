/**
 * The messages between the parent's http service and an instance worker. Requests and
 * responses ride the worker's parent port; outgoing requests ride a separate MessageChannel the
 * worker reads synchronously (`receiveMessageOnPort`) after blocking on a shared counter.
 */
import type { MessagePort } from 'node:worker_threads';
import type { InstanceExit } from '../host/instance-exit.ts';
import type { ErrorCode } from './error-code.ts';

/** What the parent hands the worker (inside workerData) for world 'http'. */
export interface HttpWorkerData {
  /** Worker end of the outgoing-request channel. */
  readonly outgoingPort: MessagePort;
  /** Int32Array[1] the parent bumps (Atomics.add + notify) after posting each outgoing reply. */
  readonly outgoingSignal: SharedArrayBuffer;
  /** Cap on the body a guest may write into one response (buffered). */
  readonly responseBytesMax: number;
  /** Cap on the body a guest may write into one outgoing request. */
  readonly outgoingRequestBytesMax: number;
}

/** parent → worker: one request to hand to `incoming-handler.handle`. */
export interface ServeRequest {
  readonly type: 'http-request';
  readonly id: number;
  readonly method: string;
  readonly pathWithQuery: string;
  readonly authority: string | undefined;
  readonly scheme: 'http' | 'https';
  readonly headers: [string, string][];
  readonly body: Uint8Array;
}

/** worker → parent. */
export type ServeReply =
  | { readonly type: 'http-ready' }
  | {
      readonly type: 'http-response';
      readonly id: number;
      readonly status: number;
      readonly headers: [string, string][];
      readonly body: Uint8Array;
    }
  | {
      readonly type: 'http-failed';
      readonly id: number;
      /** The guest trapped: the instance is unusable and must be replaced. */
      readonly trapped: boolean;
      readonly message: string;
      /** How the trap ends the instance, when the worker entry can tell (e.g. OOMKilled). */
      readonly exit?: InstanceExit;
    };

/** worker → parent on the outgoing channel. */
export interface OutgoingWireRequest {
  readonly id: number;
  readonly method: string;
  readonly url: string;
  readonly headers: [string, string][];
  readonly body: Uint8Array;
  /** From the guest's request-options, if it set any. */
  readonly timeoutMs: number | undefined;
}

/** parent → worker on the outgoing channel. */
export type OutgoingWireReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly status: number;
      readonly headers: [string, string][];
      readonly body: Uint8Array;
    }
  | { readonly id: number; readonly ok: false; readonly error: ErrorCode };
