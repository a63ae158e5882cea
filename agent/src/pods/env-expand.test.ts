import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { expandVars } from './env-expand.ts';

const vars: Record<string, string> = { HOST: '10.0.0.1', PORT: '80', EMPTY: '' };
const lookup = (n: string) => vars[n];

describe('expandVars', () => {
  it('replaces defined references and keeps undefined ones as written', () => {
    assert.equal(expandVars('http://$(HOST):$(PORT)/', lookup), 'http://10.0.0.1:80/');
    assert.equal(expandVars('$(MISSING)-$(EMPTY)-x', lookup), '$(MISSING)--x');
  });

  it('turns $$ into a literal $ so $$(HOST) stays unexpanded', () => {
    assert.equal(expandVars('$$(HOST) costs $$5', lookup), '$(HOST) costs $5');
  });

  it('leaves an unclosed reference and a trailing $ alone', () => {
    assert.equal(expandVars('a $(HOST', lookup), 'a $(HOST');
    assert.equal(expandVars('cost $', lookup), 'cost $');
    assert.equal(expandVars('$x', lookup), '$x');
  });

  it('changes nothing in a string without $', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('$')),
        (s) => expandVars(s, lookup) === s,
      ),
    );
  });
});
