/**
 * Label keys (qualified names with an optional DNS-subdomain prefix) and label values.
 */
import { isDNS1123Subdomain } from './dns.ts';
import { emptyError, maxLenError, regexError, utf8Bytes } from './messages.ts';

export const qualifiedNameCharsMax = 63;
export const labelValueCharsMax = 63;

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " +
  'alphanumeric character';
const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or " +
  "'.', and must start and end with an alphanumeric character";

const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const labelValueRe = new RegExp(`^${labelValueFmt}$`);

/**
 * Problems with `value` as a qualified name: label keys, annotation keys, taint keys
 * (`example.com/MyName`). Empty when valid.
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else for (const msg of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${msg}`);
  } else {
    const re = regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc');
    return [
      `a qualified name ${re} with an optional DNS subdomain prefix and '/' ` +
        "(e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (utf8Bytes(name) > qualifiedNameCharsMax) {
    errs.push(`name part ${maxLenError(qualifiedNameCharsMax)}`);
  }
  if (!qualifiedNameRe.test(name)) {
    const examples = ['MyName', 'my.name', '123-abc'];
    errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, ...examples)}`);
  }
  return errs;
}

/** Problems with `value` as a label value (empty is allowed). Empty when valid. */
export function isLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (utf8Bytes(value) > labelValueCharsMax) errs.push(maxLenError(labelValueCharsMax));
  if (!labelValueRe.test(value)) {
    errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}
