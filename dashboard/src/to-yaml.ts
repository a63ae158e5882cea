/**
 * JSON to YAML for the read-only YAML view: block style, strings quoted whenever YAML 1.1 could
 * read them as something else (`yes`, `0755`, `1e3`, a leading `*`). Not a general emitter: keys
 * and values come from the apiserver's JSON, so there are no cycles, dates or binary data.
 */

const plain = /^[A-Za-z_/][A-Za-z0-9_./@+:-]*$/;
const yaml11Words = /^(y|n|yes|no|on|off|true|false|null|~)$/i;
/** Could be a YAML 1.1 number (`1e3`, `E0`, `1_000`, sexagesimal `1:30`). */
const numberLike = /^[-+0-9.eE_:]+$/;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  if (s === '' || !plain.test(s) || s.endsWith(':') || yaml11Words.test(s) || numberLike.test(s)) {
    return JSON.stringify(s);
  }
  return s;
}

function key(k: string): string {
  return scalar(k);
}

function isEmpty(v: unknown): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v as object).length === 0;
}

function emit(v: unknown, indent: string, out: string[], prefix: string): void {
  if (v === null || typeof v !== 'object' || isEmpty(v)) {
    const empty = Array.isArray(v) ? '[]' : v && typeof v === 'object' ? '{}' : scalar(v);
    out.push(`${prefix}${empty}`);
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v) {
      // A list in a list is rare in Kubernetes objects: JSON flow style is valid YAML for it.
      if (Array.isArray(item) && item.length > 0) out.push(`${indent}- ${JSON.stringify(item)}`);
      else if (item !== null && typeof item === 'object' && !isEmpty(item)) {
        emitMap(item as Record<string, unknown>, `${indent}  `, out, `${indent}- `);
      } else emit(item, `${indent}  `, out, `${indent}- `);
    }
    return;
  }
  emitMap(v as Record<string, unknown>, indent, out, indent);
}

function emitMap(
  m: Record<string, unknown>,
  indent: string,
  out: string[],
  firstPrefix: string,
): void {
  Object.entries(m).forEach(([k, val], i) => {
    const lead = i === 0 ? firstPrefix : indent;
    if (val !== null && typeof val === 'object' && !isEmpty(val)) {
      out.push(`${lead}${key(k)}:`);
      emit(val, Array.isArray(val) ? indent : `${indent}  `, out, '');
    } else emit(val, indent, out, `${lead}${key(k)}: `);
  });
}

export function toYaml(value: unknown): string {
  const out: string[] = [];
  emit(value, '', out, '');
  return `${out.join('\n')}\n`;
}
