/**
 * Reading and decoding request bodies under a size cap, and the content types we accept.
 */
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '@wisp/api';
import { WispError } from '@wisp/core';
import { BadRequestError } from '../registry/errors.ts';

/** Kubernetes' own cap on a request body. */
export const REQUEST_BODY_BYTES_MAX = 3 * 1024 * 1024;

export class BodyTooLargeError extends WispError {
  constructor(limit: number) {
    super('ERR_TOO_LARGE', `Request entity too large: limit is ${limit}`);
  }
}

export class UnsupportedMediaTypeError extends WispError {
  constructor(type: string) {
    super(
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got "${type}")`,
    );
  }
}

export async function readBody(req: Request, limit: number): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limit) throw new BodyTooLargeError(limit);
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function mediaType(req: Request): string {
  return (req.headers.get('content-type') ?? 'application/json').split(';')[0].trim().toLowerCase();
}

/** Decodes a JSON or YAML body into a value (YAML 1.1, as Kubernetes reads manifests). */
export function decodeBody(text: string, type: string): unknown {
  const yaml = type.endsWith('yaml');
  if (!yaml && !type.endsWith('json')) throw new UnsupportedMediaTypeError(type);
  if (text.trim() === '') throw new BadRequestError('the request body is empty');
  try {
    return yaml ? parseYaml(text, { version: '1.1' }) : JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new BadRequestError(`error decoding ${yaml ? 'YAML' : 'JSON'} body: ${why}`);
  }
}

export function decodeObject(text: string, type: string): KubeObject {
  const v = decodeBody(text, type);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new BadRequestError('the body must be a JSON or YAML object');
  }
  const obj = v as KubeObject;
  if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null)) {
    throw new BadRequestError('metadata must be an object');
  }
  obj.metadata ??= {};
  return obj;
}
