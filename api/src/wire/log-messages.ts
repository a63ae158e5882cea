/**
 * The bytes of `/wisp/v1/logs` (see `logsProtocol`): the control plane asks the agent that runs
 * a pod for a slice of one container's log, and, to follow, asks again from `nextOffset`.
 *
 *   request  {namespace, pod, container, previous, timestamps, tailLines?, sinceBytes?,
 *             sinceFile?, sinceTimeMs?, limitBytes?, instance?}                       JSON
 *   answer   {ok: true, text, nextOffset, fileId, rotated, more, ended, instance}    JSON
 *            {ok: false, code, message}   the pod or container is unknown, or not started yet
 *
 *   const ask = encodeLogRequest({ namespace, pod, container, previous: false, timestamps: false });
 *   const answer = decodeLogAnswer(await gossip.request(peer, logsProtocol, ask));
 */
import { InvalidError } from '../validation/invalid-error.ts';
import { parseJsonObject } from './wire-fields.ts';

export interface LogRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** The instance before the current one (restartCount - 1). */
  readonly previous: boolean;
  readonly timestamps: boolean;
  readonly tailLines?: number;
  /** Go on from an earlier answer's `nextOffset` in its `fileId`. */
  readonly sinceBytes?: number;
  readonly sinceFile?: string;
  readonly sinceTimeMs?: number;
  readonly limitBytes?: number;
  /** The instance (restart count) a follower started on; `ended` once another one runs. */
  readonly instance?: number;
}

export interface LogSlice {
  readonly ok: true;
  readonly text: string;
  readonly nextOffset: number;
  readonly fileId: string;
  readonly rotated: boolean;
  /** More is written already: ask again without waiting. */
  readonly more: boolean;
  /** The instance no longer runs: nothing more will be written. */
  readonly ended: boolean;
  /** The restart count of the instance read. */
  readonly instance: number;
}

/** `not-found`: no such pod or container on the node; `waiting`: not started yet. */
export type LogRefusalCode = 'not-found' | 'waiting';

export interface LogRefusal {
  readonly ok: false;
  readonly code: LogRefusalCode;
  readonly message: string;
}

export type LogAnswer = LogSlice | LogRefusal;

const encoder = new TextEncoder();
const nameBytesMax = 253;
const fileIdBytesMax = 64;

export function encodeLogRequest(request: LogRequest): Uint8Array {
  return encoder.encode(JSON.stringify(request));
}

export function decodeLogRequest(bytes: Uint8Array): LogRequest {
  const v = parseJsonObject(bytes, 'request');
  const known = [
    ...['namespace', 'pod', 'container', 'previous', 'timestamps', 'tailLines', 'sinceBytes'],
    ...['sinceFile', 'sinceTimeMs', 'limitBytes', 'instance'],
  ];
  const unknown = Object.keys(v).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new InvalidError(`request.${unknown}: Invalid value: unknown`);
  for (const field of ['namespace', 'pod', 'container'] as const) {
    const s = v[field];
    if (typeof s !== 'string' || s === '')
      throw new InvalidError(`request.${field}: Required value`);
    if (s.length > nameBytesMax) {
      throw new InvalidError(`request.${field}: Too long: may not be more than ${nameBytesMax}`);
    }
  }
  for (const field of ['previous', 'timestamps'] as const) {
    if (typeof v[field] !== 'boolean') {
      throw new InvalidError(`request.${field}: Invalid value: must be a boolean`);
    }
  }
  for (const field of ['tailLines', 'sinceBytes', 'sinceTimeMs', 'limitBytes', 'instance']) {
    const n = v[field];
    if (n !== undefined && (!Number.isSafeInteger(n) || (n as number) < 0)) {
      throw new InvalidError(`request.${field}: Invalid value: must be a non-negative integer`);
    }
  }
  const file = v.sinceFile;
  if (file !== undefined && (typeof file !== 'string' || file.length > fileIdBytesMax)) {
    throw new InvalidError(`request.sinceFile: Invalid value: must be a short string`);
  }
  return v as unknown as LogRequest;
}

export function encodeLogAnswer(answer: LogAnswer): Uint8Array {
  return encoder.encode(JSON.stringify(answer));
}

export function decodeLogAnswer(bytes: Uint8Array): LogAnswer {
  const v = parseJsonObject(bytes, 'answer');
  if (v.ok === false) {
    if (v.code !== 'not-found' && v.code !== 'waiting') {
      throw new InvalidError('answer.code: Unsupported value: want not-found or waiting');
    }
    return { ok: false, code: v.code, message: String(v.message ?? '') };
  }
  if (v.ok !== true || typeof v.text !== 'string' || typeof v.fileId !== 'string') {
    throw new InvalidError('answer.text: Required value');
  }
  for (const field of ['nextOffset', 'instance']) {
    if (!Number.isSafeInteger(v[field]) || (v[field] as number) < 0) {
      throw new InvalidError(`answer.${field}: Invalid value: must be a non-negative integer`);
    }
  }
  return {
    ok: true,
    text: v.text,
    nextOffset: v.nextOffset as number,
    fileId: v.fileId,
    rotated: v.rotated === true,
    more: v.more === true,
    ended: v.ended === true,
    instance: v.instance as number,
  };
}
