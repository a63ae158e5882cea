import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { componentProblem } from './component-header.ts';

describe('componentProblem', () => {
  it('accepts the component preamble', () => {
    assert.equal(componentProblem(Uint8Array.of(0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 9)), undefined);
  });

  it('says a core module is not a component', () => {
    assert.match(componentProblem(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0))!, /core/);
  });

  it('refuses other files, short files and unknown versions', () => {
    assert.match(componentProblem(new TextEncoder().encode('#!/bin/sh\n'))!, /no \\0asm/);
    assert.match(componentProblem(Uint8Array.of(0, 0x61, 0x73))!, /no \\0asm/);
    assert.match(
      componentProblem(Uint8Array.of(0, 0x61, 0x73, 0x6d, 0x0e, 0, 1, 0))!,
      /0e 00 01 00/,
    );
  });
});
