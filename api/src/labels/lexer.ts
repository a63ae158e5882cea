/**
 * Tokens of the label-selector string form. Identifiers run until whitespace or one of the
 * operator characters; `in` and `notin` are keywords except where a value is expected.
 */
export type TokenKind =
  | 'error'
  | 'end'
  | 'closePar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

export interface Token {
  kind: TokenKind;
  text: string;
}

const literalTokens: Record<string, TokenKind> = {
  ')': 'closePar',
  ',': 'comma',
  '!': 'doesNotExist',
  '==': 'doubleEquals',
  '=': 'equals',
  '>': 'greaterThan',
  in: 'in',
  '<': 'lessThan',
  '!=': 'notEquals',
  notin: 'notIn',
  '(': 'openPar',
};

function isWhitespace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isSpecial(c: string): boolean {
  return '=!(),><'.includes(c);
}

/** Every token of `s`, ending with one `end` token. */
export function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      tokens.push({ kind: 'end', text: '' });
      return tokens;
    }
    const [token, next] = isSpecial(s[pos]) ? scanSpecial(s, pos) : scanWord(s, pos);
    tokens.push(token);
    pos = next;
  }
}

function scanWord(s: string, start: number): [Token, number] {
  let pos = start;
  while (pos < s.length && !isSpecial(s[pos]) && !isWhitespace(s[pos])) pos++;
  const text = s.slice(start, pos);
  const kind = Object.hasOwn(literalTokens, text) ? literalTokens[text] : 'identifier';
  return [{ kind, text }, pos];
}

/** The longest run of operator characters that still spells a token. */
function scanSpecial(s: string, start: number): [Token, number] {
  let pos = start;
  let best: [Token, number] | undefined;
  while (pos < s.length && isSpecial(s[pos])) {
    pos++;
    const text = s.slice(start, pos);
    if (Object.hasOwn(literalTokens, text)) best = [{ kind: literalTokens[text], text }, pos];
    else if (best) break;
  }
  if (best) return best;
  const text = s.slice(start, pos);
  return [{ kind: 'error', text: `error expected: keyword found '${text}'` }, pos];
}
