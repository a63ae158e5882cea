/**
 * Parsing the quantity grammar:
 *
 *   <quantity> ::= <sign>? <number> <suffix>
 *   <number>   ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 *   <suffix>   ::= Ki|Mi|Gi|Ti|Pi|Ei  |  n|u|m|""|k|M|G|T|P|E  |  (e|E)<signed integer>
 *
 * Values finer than 1n round away from zero to 1n; binary values saturate at 2^63-1; binary
 * values below one switch to decimal printing. All three as Kubernetes does.
 */
import { InvalidError } from '../validation/invalid-error.ts';
import { Quantity, type QuantityFormat } from './quantity.ts';

/** Longer quantities are rejected outright, so parsing cost stays bounded. */
export const quantityCharsMax = 256;
/** Largest accepted `|n|` in an `e<n>` suffix; Kubernetes itself wraps at 2^31. */
export const quantityExponentAbsMax = 1000;

export const quantityFormatMessage =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const quantitySuffixMessage = "unable to parse quantity's suffix";

const decimalExponents: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binaryExponents: Record<string, number> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};

const suffixShape = /^[eEinumkKMGTP]*[-+]?[0-9]*$/;
const nanoExponent = -9;
const binaryMax = 2n ** 63n - 1n;

interface Suffix {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

function interpretSuffix(s: string): Suffix | undefined {
  if (Object.hasOwn(decimalExponents, s)) {
    return { base: 10, exponent: decimalExponents[s], format: 'DecimalSI' };
  }
  if (Object.hasOwn(binaryExponents, s)) {
    return { base: 2, exponent: binaryExponents[s], format: 'BinarySI' };
  }
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?[0-9]+$/.test(s.slice(1))) {
    const n = Number(s.slice(1));
    if (Math.abs(n) > quantityExponentAbsMax) return undefined;
    return { base: 10, exponent: n, format: 'DecimalExponent' };
  }
  return undefined;
}

/** The reason `s` is not a quantity, in Kubernetes' words, or undefined when it is one. */
export function quantityProblem(s: string): string | undefined {
  const r = scan(s);
  return typeof r === 'string' ? r : undefined;
}

export function tryParseQuantity(s: string): Quantity | undefined {
  const r = scan(s);
  return typeof r === 'string' ? undefined : r;
}

/** Parses `s`, throwing `InvalidError` (code `ERR_INVALID`) with the reason. */
export function parseQuantity(s: string): Quantity {
  const r = scan(s);
  if (typeof r === 'string') throw new InvalidError(`invalid quantity ${JSON.stringify(s)}: ${r}`);
  return r;
}

function scan(s: string): Quantity | string {
  if (s.length === 0) return quantityFormatMessage;
  if (s.length > quantityCharsMax) return `must be no more than ${quantityCharsMax} characters`;
  let i = 0;
  const negative = s[0] === '-';
  if (s[0] === '-' || s[0] === '+') i++;
  const intStart = i;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  const intDigits = s.slice(intStart, i);
  let fracDigits = '';
  if (s[i] === '.') {
    const fracStart = ++i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    fracDigits = s.slice(fracStart, i);
  }
  // Kubernetes reads a digitless number ("-", ".") as zero; that is a typo, not a quantity.
  if (intDigits === '' && fracDigits === '') return quantityFormatMessage;
  const suffixText = s.slice(i);
  if (!suffixShape.test(suffixText)) return quantityFormatMessage;
  const suffix = interpretSuffix(suffixText);
  if (!suffix) return quantitySuffixMessage;
  return build(negative, intDigits + fracDigits, fracDigits.length, suffix);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function build(negative: boolean, digits: string, fracLen: number, suffix: Suffix): Quantity {
  let magnitude = BigInt(digits);
  let exponent = -fracLen;
  if (suffix.base === 10) exponent += suffix.exponent;
  else magnitude *= 2n ** BigInt(suffix.exponent);
  if (exponent < nanoExponent && magnitude !== 0n) {
    // Asking for a sliver of a resource should still get some: round up to 1n.
    const div = 10n ** BigInt(nanoExponent - exponent);
    magnitude = (magnitude + div - 1n) / div;
    exponent = nanoExponent;
  }
  let format = suffix.format;
  if (format === 'BinarySI') {
    if (compareMagnitude(magnitude, exponent, binaryMax) > 0) {
      magnitude = binaryMax;
      exponent = 0;
    }
    if (magnitude !== 0n && compareMagnitude(magnitude, exponent, 1n) < 0) format = 'DecimalSI';
  }
  return Quantity.fromParts(negative ? -magnitude : magnitude, exponent, format);
}

/** Compares `m × 10^e` with the integer `n`, all non-negative. */
function compareMagnitude(m: bigint, e: number, n: bigint): number {
  const left = e >= 0 ? m * 10n ** BigInt(e) : m;
  const right = e >= 0 ? n : n * 10n ** BigInt(-e);
  return left < right ? -1 : left > right ? 1 : 0;
}
