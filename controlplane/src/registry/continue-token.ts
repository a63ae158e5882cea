/**
 * The opaque `continue` token of a paged list: the revision the first page was read at and the
 * last key returned. Like kube-apiserver, later pages read at that revision so the whole list is
 * one consistent snapshot.
 */
import { BadRequestError } from './errors.ts';

export interface ContinuePosition {
  readonly revision: number;
  readonly startAfter: string;
}

export function encodeContinue(p: ContinuePosition): string {
  return Buffer.from(
    JSON.stringify({ v: 'wisp.v1', rv: p.revision, start: p.startAfter }),
  ).toString('base64url');
}

export function decodeContinue(token: string): ContinuePosition {
  try {
    const p = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: string;
      rv?: number;
      start?: string;
    };
    if (p.v !== 'wisp.v1' || typeof p.rv !== 'number' || typeof p.start !== 'string') {
      throw new Error('shape');
    }
    return { revision: p.rv, startAfter: p.start };
  } catch {
    throw new BadRequestError('continue key is not valid: incorrect encoded start resourceVersion');
  }
}
