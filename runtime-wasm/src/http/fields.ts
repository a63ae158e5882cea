/**
 * wasi:http/types `fields` (headers and trailers), validated as the WIT says: a bad name or
 * value is `invalid-syntax`, a hop-by-hop name the host controls is `forbidden`, and a write to
 * fields the guest received from the host (or handed over to a request/response) is `immutable`.
 * Errors are thrown as plain variant values so jco turns them into the `err` case.
 *
 *   const f = Fields.fromList([['content-type', bytes('text/plain')]]);
 *   f.append('x-a', bytes('1')); // throws { tag: 'forbidden' } for e.g. 'connection'
 */

export type HeaderError = { tag: 'invalid-syntax' } | { tag: 'forbidden' } | { tag: 'immutable' };

/** Names the host sets itself; a guest may not send them (same set as wasmtime's default). */
const forbiddenNames = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
  'http2-settings',
]);

/** RFC 9110 token characters. */
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isValidFieldName(name: string): boolean {
  return tokenPattern.test(name);
}

/** Field values: HTAB, visible ASCII, space, obs-text; no CR, LF, NUL or DEL. */
export function isValidFieldValue(value: Uint8Array): boolean {
  for (const b of value) {
    if (b === 0x09) continue;
    if (b < 0x20 || b === 0x7f) return false;
  }
  return true;
}

const invalidSyntax: HeaderError = { tag: 'invalid-syntax' };

/** The checks a guest's write must pass, immutability first. */
function checkWritable(fields: Fields, name: string, values: readonly Uint8Array[]): void {
  if (fields.immutable) throw { tag: 'immutable' } satisfies HeaderError;
  if (!isValidFieldName(name)) throw invalidSyntax;
  if (!values.every(isValidFieldValue)) throw invalidSyntax;
  if (forbiddenNames.has(name.toLowerCase())) throw { tag: 'forbidden' } satisfies HeaderError;
}

export class Fields {
  /** Entries in insertion order; names lower-cased because field names are case-insensitive. */
  #entries: [string, Uint8Array][] = [];
  #immutable = false;

  get immutable(): boolean {
    return this.#immutable;
  }

  /** Host-side: freeze fields the guest must not change any more. */
  freeze(): this {
    this.#immutable = true;
    return this;
  }

  static fromList(entries: [string, Uint8Array][]): Fields {
    const f = new Fields();
    for (const [name, value] of entries) {
      checkWritable(f, name, [value]);
      f.#entries.push([name.toLowerCase(), value]);
    }
    return f;
  }

  /** Host-side constructor that skips the forbidden-name check (the host may set any field). */
  static fromHost(entries: Iterable<[string, Uint8Array]>): Fields {
    const f = new Fields();
    for (const [name, value] of entries) f.#entries.push([name.toLowerCase(), value]);
    return f;
  }

  get(name: string): Uint8Array[] {
    const key = name.toLowerCase();
    return this.#entries.filter(([n]) => n === key).map(([, v]) => v.slice());
  }

  has(name: string): boolean {
    const key = name.toLowerCase();
    return this.#entries.some(([n]) => n === key);
  }

  set(name: string, values: Uint8Array[]): void {
    checkWritable(this, name, values);
    const key = name.toLowerCase();
    this.#entries = this.#entries.filter(([n]) => n !== key);
    for (const v of values) this.#entries.push([key, v]);
  }

  delete(name: string): void {
    checkWritable(this, name, []);
    const key = name.toLowerCase();
    this.#entries = this.#entries.filter(([n]) => n !== key);
  }

  append(name: string, value: Uint8Array): void {
    checkWritable(this, name, [value]);
    this.#entries.push([name.toLowerCase(), value]);
  }

  entries(): [string, Uint8Array][] {
    return this.#entries.map(([n, v]) => [n, v.slice()]);
  }

  /** A mutable copy, whatever the original's mutability. */
  clone(): Fields {
    return Fields.fromHost(this.#entries);
  }

  /** Host-side: the entries as latin1 strings, the way node:http carries header bytes. */
  toPairs(): [string, string][] {
    return this.#entries.map(([n, v]) => [n, Buffer.from(v).toString('latin1')]);
  }
}

/** Header pairs (latin1 strings) to bytes, the inverse of `Fields.toPairs`. */
export function pairsToEntries(
  pairs: readonly (readonly [string, string])[],
): [string, Uint8Array][] {
  return pairs.map(([n, v]) => [n, new Uint8Array(Buffer.from(v, 'latin1'))]);
}
