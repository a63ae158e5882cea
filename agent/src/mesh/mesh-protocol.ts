/**
 * The tunnel protocol between agents' meshes, `/wisp/v1/mesh/tcp`: the opener sends one
 * length-prefixed JSON header naming the destination pod and the calling pod; the receiver
 * answers one frame (`ok`, or why not) and from then on the stream carries the TCP bytes.
 *
 *   await sendAll(stream, encodeFrame(encodeJson(header)));
 *   const { frame, tunnel } = await readFirstFrame(stream, tunnelFrameBytesMax, 'reply');
 */
import type { GossipStream } from '@wisp/core';
import { Tunnel } from './tunnel.ts';

export const meshProtocol = '/wisp/v1/mesh/tcp';
export const tunnelFrameBytesMax = 16 * 1024;

export interface TunnelSource {
  readonly ip: string;
  readonly namespace?: string;
  readonly pod?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface TunnelHeader {
  readonly v: 1;
  /** The destination pod's IP and port on the receiving node. */
  readonly ip: string;
  readonly port: number;
  /** `namespace/name` of the service, for the receiver's metrics. */
  readonly service: string;
  readonly source: TunnelSource;
}

export type TunnelReply =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: 'denied' | 'refused' | 'invalid';
      readonly reason: string;
    };

export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function decodeTunnelHeader(bytes: Uint8Array): TunnelHeader {
  const v = JSON.parse(new TextDecoder().decode(bytes)) as Partial<TunnelHeader> | null;
  const source = v?.source;
  const valid =
    v?.v === 1 &&
    typeof v.ip === 'string' &&
    Number.isInteger(v.port) &&
    (v.port as number) > 0 &&
    (v.port as number) < 65536 &&
    typeof v.service === 'string' &&
    typeof source?.ip === 'string' &&
    (source.labels === undefined || typeof source.labels === 'object');
  if (!valid) throw new RangeError('tunnel header: Invalid value: not a version 1 header');
  return v as TunnelHeader;
}

export function decodeTunnelReply(bytes: Uint8Array): TunnelReply {
  const v = JSON.parse(new TextDecoder().decode(bytes)) as TunnelReply | null;
  if (typeof v?.ok !== 'boolean') throw new RangeError('tunnel reply: Invalid value');
  return v;
}

/**
 * Reads one frame from the start of a stream, then pauses it: the bytes after the frame (the
 * first of the payload) come back in a `Tunnel` that hands them and the rest of the stream to
 * the next reader.
 */
export function readFirstFrame(
  stream: GossipStream,
  bytesMax: number,
  field: string,
): Promise<{ frame: Uint8Array; tunnel: Tunnel }> {
  return new Promise((resolve, reject) => {
    let buffered: Uint8Array = new Uint8Array(0);
    let done = false;
    const settle = (value: { frame: Uint8Array; tunnel: Tunnel } | Error): void => {
      done = true;
      stream.pause();
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    stream.read({
      data(chunk) {
        if (done) return;
        buffered = concat(buffered, chunk);
        if (buffered.byteLength < 4) return;
        const length = new DataView(buffered.buffer, buffered.byteOffset).getUint32(0);
        if (length > bytesMax) {
          settle(new RangeError(`${field}: Too long: ${length} > ${bytesMax}`));
        } else if (buffered.byteLength >= 4 + length) {
          const frame = buffered.subarray(4, 4 + length);
          settle({ frame, tunnel: new Tunnel(stream, buffered.subarray(4 + length)) });
        }
      },
      end(error) {
        if (!done) settle(error ?? new RangeError(`${field}: stream ended before the frame`));
      },
    });
  });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}
