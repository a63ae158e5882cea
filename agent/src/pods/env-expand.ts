/**
 * Kubernetes' `$(VAR)` expansion in env values, command and args: `$(NAME)` becomes NAME's value
 * when NAME is defined, `$$` escapes a `$`, and anything else (an undefined name, an unclosed
 * reference) is left as written.
 *
 *   expandVars('http://$(HOST):$(PORT)', lookup); // 'http://10.0.0.1:80'
 */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = lookup(name);
      out += value ?? `$(${name})`;
      i = close;
    } else {
      out += ch;
    }
  }
  return out;
}
