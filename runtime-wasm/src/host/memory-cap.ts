/**
 * Caps every linear memory a core module defines or imports at `memoryBytesMax`, so that
 * `memory.grow` past it returns -1 inside the guest. Worker `resourceLimits` only cap the JS
 * heap; wasm memory lives outside it (DESIGN §14).
 *
 *   const capped = capMemory(bytes, 64 * 1024 * 1024);
 *   const module = await WebAssembly.compile(capped);
 *
 * Only the import (2) and memory (5) sections are rewritten; every other byte is kept.
 */
export const wasmPageBytes = 64 * 1024;

export class MemoryCapError extends Error {
  readonly code = 'ERR_MEMORY_CAP';
  constructor(message: string) {
    super(message);
    this.name = 'MemoryCapError';
  }
}

class Reader {
  readonly bytes: Uint8Array;
  at: number;
  constructor(bytes: Uint8Array, at = 0) {
    this.bytes = bytes;
    this.at = at;
  }
  byte(): number {
    if (this.at >= this.bytes.length) throw new MemoryCapError('wasm: unexpected end of module');
    return this.bytes[this.at++]!;
  }
  /** Unsigned LEB128; bigint so memory64 limits survive. */
  uleb(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return result;
      if (shift > 70n) throw new MemoryCapError('wasm: LEB128 too long');
    }
  }
  u32(): number {
    return Number(this.uleb());
  }
  skip(n: number): void {
    this.at += n;
  }
  skipName(): void {
    this.skip(this.u32());
  }
  /** A signed LEB (heap types in GC reference types); only its length matters here. */
  skipSleb(): void {
    while (this.byte() & 0x80);
  }
}

export function uleb(value: bigint | number): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

/** Reads limits and writes them back with `max ≤ capPages`. */
function cappedLimits(r: Reader, capPages: bigint, out: number[]): void {
  const flags = r.byte();
  const min = r.uleb();
  const hasMax = (flags & 0x01) !== 0;
  const max = hasMax ? r.uleb() : undefined;
  if (min > capPages) {
    throw new MemoryCapError(
      `memory needs at least ${min * BigInt(wasmPageBytes)} bytes, above the limit of ` +
        `${capPages * BigInt(wasmPageBytes)} bytes`,
    );
  }
  const newMax = max !== undefined && max < capPages ? max : capPages;
  out.push(flags | 0x01, ...uleb(min), ...uleb(newMax));
}

function skipRefType(r: Reader): void {
  const t = r.byte();
  if (t === 0x63 || t === 0x64) r.skipSleb();
}

function rewriteImports(r: Reader, end: number, capPages: bigint): number[] {
  const out = uleb(r.u32());
  while (r.at < end) {
    const start = r.at;
    r.skipName();
    r.skipName();
    const kind = r.byte();
    if (kind === 0x02) {
      out.push(...r.bytes.subarray(start, r.at));
      cappedLimits(r, capPages, out);
      continue;
    }
    if (kind === 0x00 || kind === 0x04) {
      if (kind === 0x04) r.byte();
      r.u32();
    } else if (kind === 0x01) {
      skipRefType(r);
      const flags = r.byte();
      r.uleb();
      if (flags & 0x01) r.uleb();
    } else if (kind === 0x03) {
      skipRefType(r);
      r.byte();
    } else throw new MemoryCapError(`wasm: unknown import kind 0x${kind.toString(16)}`);
    out.push(...r.bytes.subarray(start, r.at));
  }
  return out;
}

function rewriteMemories(r: Reader, capPages: bigint): number[] {
  const count = r.u32();
  const out = uleb(count);
  for (let i = 0; i < count; i++) cappedLimits(r, capPages, out);
  return out;
}

/** A copy of `module` whose memories cannot grow past `memoryBytesMax`. */
export function capMemory(module: Uint8Array, memoryBytesMax: number): Uint8Array {
  const capPages = BigInt(Math.floor(memoryBytesMax / wasmPageBytes));
  const r = new Reader(module, 8);
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  while (r.at < module.length) {
    const sectionStart = r.at;
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    if (id === 2 || id === 5) {
      const content = id === 2 ? rewriteImports(r, end, capPages) : rewriteMemories(r, capPages);
      if (r.at !== end) throw new MemoryCapError(`wasm: section ${id} has trailing bytes`);
      parts.push(new Uint8Array([id, ...uleb(content.length)]), new Uint8Array(content));
    } else {
      parts.push(module.subarray(sectionStart, end));
    }
    r.at = end;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
