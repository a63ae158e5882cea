/**
 * What the store's main thread and its writer (a worker thread, or inline for `:memory:`) say to
 * each other. Everything here survives structured cloning: errors travel as code and message
 * and are rebuilt as our classes on the main thread, because a cloned Error loses its class.
 */
import { AlreadyExistsError, ConflictError, NotFoundError, WispError } from '@wisp/core';
import type { WatchEvent } from '@wisp/core';
import { StoreUnavailableError } from './errors.ts';
import type { WriteOp } from './sqlite-write.ts';

export type WriterCommand =
  | { readonly kind: 'commit'; readonly ops: readonly WriteOp[]; readonly baseRevision: number }
  | { readonly kind: 'record-compact'; readonly revision: number }
  | {
      readonly kind: 'delete-superseded';
      readonly lo: number;
      readonly hi: number;
      readonly revision: number;
    };

/** One write's outcome: its event, or why it was refused (it wrote nothing). */
export type EncodedOutcome =
  | { readonly event: WatchEvent }
  | { readonly refused: { readonly code: string; readonly message: string } };

export interface CommitResult {
  /** The revision after the commit; the base revision when every write was refused. */
  readonly revision: number;
  readonly outcomes: readonly EncodedOutcome[];
}

export type WriterRequest =
  | { readonly id: number; readonly command: WriterCommand }
  | { readonly id: number; readonly close: true };

export type WriterReply =
  | { readonly id: number; readonly ok: true; readonly result?: CommitResult }
  | { readonly id: number; readonly ok: false; readonly message: string };

export function encodeOutcome(outcome: WatchEvent | WispError): EncodedOutcome {
  if (outcome instanceof WispError) {
    return { refused: { code: outcome.code, message: outcome.message } };
  }
  return { event: outcome };
}

const REFUSALS: Record<string, new (message: string) => WispError> = {
  ERR_ALREADY_EXISTS: AlreadyExistsError,
  ERR_CONFLICT: ConflictError,
  ERR_NOT_FOUND: NotFoundError,
};

export function decodeOutcome(outcome: EncodedOutcome): WatchEvent | WispError {
  if ('event' in outcome) return outcome.event;
  const { code, message } = outcome.refused;
  const Refusal = REFUSALS[code];
  // applyWrite refuses with only the classes above; anything else is a writer fault.
  return Refusal ? new Refusal(message) : new StoreUnavailableError(`${code}: ${message}`);
}
