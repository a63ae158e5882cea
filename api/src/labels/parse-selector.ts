/**
 * The string form of label selectors, as `kubectl -l` and `?labelSelector=` carry it:
 *
 *   <selector>    ::= <requirement> | <requirement> "," <selector>
 *   <requirement> ::= ["!"] KEY [ ("in"|"notin") "(" VALUES ")" | ("="|"=="|"!="|">"|"<") VALUE ]
 *
 * Errors read as Kubernetes' do: `unable to parse requirement: found ',', expected: identifier`.
 */
import { InvalidError } from '../validation/invalid-error.ts';
import { tokenize, type Token, type TokenKind } from './lexer.ts';
import { newRequirement, type Operator, type Requirement } from './requirement.ts';
import { selectorOf, type Selector } from './selector.ts';

/** Bounds the work one request can ask of the parser. */
export const selectorCharsMax = 16 * 1024;

type Context = 'keyAndOperator' | 'values';

class Parser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(s: string) {
    this.tokens = tokenize(s);
  }

  /** In value position the keywords `in` and `notin` are plain identifiers. */
  private view(t: Token, ctx: Context): Token {
    if (ctx === 'values' && (t.kind === 'in' || t.kind === 'notIn')) {
      return { kind: 'identifier', text: t.text };
    }
    return t;
  }

  private peek(ctx: Context): Token {
    return this.view(this.tokens[this.position], ctx);
  }

  private next(ctx: Context): Token {
    const t = this.tokens[this.position];
    if (this.position < this.tokens.length - 1) this.position++;
    return this.view(t, ctx);
  }

  parse(): Requirement[] {
    const out: Requirement[] = [];
    for (;;) {
      const t = this.peek('values');
      if (t.kind === 'end') return out;
      if (t.kind !== 'identifier' && t.kind !== 'doesNotExist') {
        throw new InvalidError(`found '${t.text}', expected: !, identifier, or 'end of string'`);
      }
      out.push(this.requirementOrThrow());
      const sep = this.next('values');
      if (sep.kind === 'end') return out;
      if (sep.kind !== 'comma') {
        throw new InvalidError(`found '${sep.text}', expected: ',' or 'end of string'`);
      }
      const after = this.peek('values');
      if (after.kind !== 'identifier' && after.kind !== 'doesNotExist') {
        throw new InvalidError(`found '${after.text}', expected: identifier after ','`);
      }
    }
  }

  private requirementOrThrow(): Requirement {
    try {
      return this.requirement();
    } catch (e) {
      if (!(e instanceof InvalidError)) throw e;
      throw new InvalidError(`unable to parse requirement: ${e.message}`, { cause: e });
    }
  }

  private requirement(): Requirement {
    let t = this.next('values');
    const negated = t.kind === 'doesNotExist';
    if (negated) t = this.next('values');
    if (t.kind !== 'identifier') throw new InvalidError(`found '${t.text}', expected: identifier`);
    const key = t.text;
    const after = this.peek('values').kind;
    // `!` only negates existence; whatever follows `!key` must end the requirement.
    if (negated) return newRequirement(key, '!', []);
    if (after === 'end' || after === 'comma') return newRequirement(key, 'exists', []);
    const op = this.operator();
    const values = op === 'in' || op === 'notin' ? this.valueSet() : [this.exactValue()];
    return newRequirement(key, op, values);
  }

  private operator(): Operator {
    const t = this.next('keyAndOperator');
    const ops: Partial<Record<TokenKind, Operator>> = {
      in: 'in',
      equals: '=',
      doubleEquals: '==',
      greaterThan: 'gt',
      lessThan: 'lt',
      notIn: 'notin',
      notEquals: '!=',
    };
    const op = ops[t.kind];
    if (!op) throw new InvalidError(`found '${t.text}', expected: in, notin, =, ==, !=, gt, lt`);
    return op;
  }

  private exactValue(): string {
    const ahead = this.peek('values');
    if (ahead.kind === 'end' || ahead.kind === 'comma') return '';
    const t = this.next('values');
    if (t.kind !== 'identifier') throw new InvalidError(`found '${t.text}', expected: identifier`);
    return t.text;
  }

  private valueSet(): string[] {
    const open = this.next('values');
    if (open.kind !== 'openPar') throw new InvalidError(`found '${open.text}' expected: '('`);
    const first = this.peek('values');
    if (first.kind === 'closePar') {
      this.next('values');
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== 'comma') {
      throw new InvalidError(`found '${first.text}', expected: ',', ')' or identifier`);
    }
    const values = this.identifierList();
    const close = this.next('values');
    if (close.kind !== 'closePar') throw new InvalidError(`found '${close.text}', expected: ')'`);
    return values;
  }

  /** Comma-separated values where an empty slot (`(,a)`, `(a,)`, `(a,,b)`) means "". */
  private identifierList(): string[] {
    const values: string[] = [];
    for (;;) {
      const t = this.next('values');
      if (t.kind === 'identifier') {
        values.push(t.text);
        const ahead = this.peek('values');
        if (ahead.kind === 'closePar') return values;
        if (ahead.kind !== 'comma') {
          throw new InvalidError(`found '${ahead.text}', expected: ',' or ')'`);
        }
      } else if (t.kind === 'comma') {
        if (values.length === 0) values.push('');
        const ahead = this.peek('values').kind;
        if (ahead === 'closePar' || ahead === 'comma') values.push('');
        if (ahead === 'closePar') return values;
      } else {
        throw new InvalidError(`found '${t.text}', expected: ',', or identifier`);
      }
    }
  }
}

/**
 * Parses the string form of a label selector. `""` selects everything. Throws `InvalidError`
 * (code `ERR_INVALID`).
 */
export function parseSelector(s: string): Selector {
  if (s.length > selectorCharsMax) {
    throw new InvalidError(`label selector must be no more than ${selectorCharsMax} characters`);
  }
  return selectorOf(new Parser(s).parse());
}
