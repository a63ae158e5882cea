/**
 * Canonical text of a quantity, as Kubernetes prints it: no fractional digits, the largest
 * suffix that loses nothing, and the suffix family (binary, decimal, exponent) it was given in.
 */
export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

const decimalSuffixByExponent = new Map<number, string>([
  [-9, 'n'],
  [-6, 'u'],
  [-3, 'm'],
  [0, ''],
  [3, 'k'],
  [6, 'M'],
  [9, 'G'],
  [12, 'T'],
  [15, 'P'],
  [18, 'E'],
]);

const binarySuffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** `value = unscaled × 10^exponent`, with `unscaled` free of trailing zeros. */
export function canonicalString(
  unscaled: bigint,
  exponent: number,
  format: QuantityFormat,
): string {
  if (unscaled === 0n) return '0';
  if (format === 'BinarySI') {
    // Small and fractional binary values read better, and exactly, in decimal.
    const integral = exponent >= 0;
    const whole = integral ? unscaled * 10n ** BigInt(exponent) : 0n;
    if (integral && (whole <= -1024n || whole >= 1024n)) return binaryString(whole);
    return decimalString(unscaled, exponent, 'DecimalSI');
  }
  return decimalString(unscaled, exponent, format);
}

function binaryString(whole: bigint): string {
  let m = whole;
  let power = 0;
  while (power < binarySuffixes.length - 1 && m % 1024n === 0n) {
    m /= 1024n;
    power++;
  }
  return `${m}${binarySuffixes[power]}`;
}

function decimalString(unscaled: bigint, exponent: number, format: QuantityFormat): string {
  let m = unscaled;
  let e = exponent;
  while (e % 3 !== 0) {
    m *= 10n;
    e -= 1;
  }
  if (format === 'DecimalSI') {
    // Beyond E (10^18) there is no SI suffix; exponent notation keeps the value intact.
    const suffix = decimalSuffixByExponent.get(e);
    return suffix === undefined ? `${m}e${e}` : `${m}${suffix}`;
  }
  return e === 0 ? `${m}` : `${m}e${e}`;
}
