import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { capMemory, MemoryCapError, uleb, wasmPageBytes } from './memory-cap.ts';
import { wasm } from './wasm-api.ts';

const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [s.length, ...Buffer.from(s)];

/** A module with a type, an imported memory, a defined memory and an exported grow function. */
function moduleWith(importLimits: number[], memoryLimits: number[]): Uint8Array {
  const types = section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]);
  const imports = section(2, [1, ...name('env'), ...name('mem'), 0x02, ...importLimits]);
  const funcs = section(3, [1, 0]);
  const memories = section(5, [1, ...memoryLimits]);
  const exports = section(7, [1, ...name('grow'), 0x00, 0]);
  // (func (param i32) (result i32) local.get 0 memory.grow 1)
  const body = [0, 0x20, 0, 0x40, 1];
  const code = section(10, [1, body.length + 1, ...body, 0x0b]);
  return new Uint8Array([
    ...header,
    ...types,
    ...imports,
    ...funcs,
    ...memories,
    ...exports,
    ...code,
  ]);
}

describe('capMemory', () => {
  it('lowers a defined memory maximum to the cap and keeps the module valid', async () => {
    const mod = moduleWith([0x00, 1], [0x00, 1]);
    const capped = capMemory(mod, 4 * wasmPageBytes);
    const memory = new wasm.Memory({ initial: 1, maximum: 1 });
    const { instance } = await wasm.instantiate(capped, { env: { mem: memory } });
    const grow = instance.exports.grow as (n: number) => number;
    assert.equal(grow(3), 1);
    assert.equal(grow(1), -1);
  });

  it('keeps a smaller maximum the module already declares', async () => {
    const mod = moduleWith([0x00, 1], [0x01, 1, 2]);
    const capped = capMemory(mod, 100 * wasmPageBytes);
    const { instance } = await wasm.instantiate(capped, {
      env: { mem: new wasm.Memory({ initial: 1, maximum: 1 }) },
    });
    const grow = instance.exports.grow as (n: number) => number;
    assert.equal(grow(1), 1);
    assert.equal(grow(1), -1);
  });

  it('adds a maximum to an imported memory, so a larger memory no longer links', async () => {
    const mod = moduleWith([0x00, 1], [0x00, 1]);
    const capped = capMemory(mod, 2 * wasmPageBytes);
    const unbounded = new wasm.Memory({ initial: 1 });
    await assert.rejects(wasm.instantiate(capped, { env: { mem: unbounded } }));
    const bounded = new wasm.Memory({ initial: 1, maximum: 2 });
    await wasm.instantiate(capped, { env: { mem: bounded } });
  });

  it('refuses a module whose minimum memory is already above the cap', () => {
    const mod = moduleWith([0x00, 1], [0x00, 10]);
    assert.throws(() => capMemory(mod, 2 * wasmPageBytes), MemoryCapError);
  });

  it('leaves a module without memories byte-identical', () => {
    const mod = new Uint8Array([...header, ...section(1, [1, 0x60, 0, 0])]);
    assert.deepEqual(capMemory(mod, wasmPageBytes), mod);
  });

  it('encodes multi-byte LEB128 limits', () => {
    const mod = moduleWith([0x00, 1], [0x00, ...uleb(300)]);
    const capped = capMemory(mod, 1000 * wasmPageBytes);
    assert.ok(wasm.validate(capped));
  });
});
