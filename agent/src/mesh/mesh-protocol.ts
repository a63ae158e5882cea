/**
 * The tunnel protocol between agents' meshes, `/wisp/v1/mesh/tcp`: the opener sends one
 * length-prefixed JSON header naming the destination pod and the calling pod; the receiver
 * answers one frame (`ok`, or why not) and from then on the stream carries the TCP bytes.
 *
 *   await stream.send(encodeFrame(encodeJson(header)));
 *   const { frame, rest } = await readFirstFrame(iterator, tunnelFrameBytesMax, 'reply');
 */
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
 * Reads one frame from the start of a stream; bytes after it (the first of the payload) come
 * back as `rest`, and the iterator goes on from there.
 */
export async function readFirstFrame(
  it: AsyncIterator<Uint8Array>,
  bytesMax: number,
  field: string,
): Promise<{ frame: Uint8Array; rest: Uint8Array }> {
  let buffered: Uint8Array = new Uint8Array(0);
  for (;;) {
    const next = await it.next();
    if (next.done) throw new RangeError(`${field}: stream ended before the frame`);
    buffered = concat(buffered, next.value);
    if (buffered.byteLength < 4) continue;
    const length = new DataView(buffered.buffer, buffered.byteOffset).getUint32(0);
    if (length > bytesMax) throw new RangeError(`${field}: Too long: ${length} > ${bytesMax}`);
    if (buffered.byteLength < 4 + length) continue;
    return { frame: buffered.subarray(4, 4 + length), rest: buffered.subarray(4 + length) };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}
