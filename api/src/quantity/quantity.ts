/**
 * Exact fixed-point quantities (`100m`, `64Mi`, `2e3`) with Kubernetes' semantics: no floating
 * point anywhere, canonical printing, and the suffix family remembered for printing.
 *
 *   const q = parseQuantity('1.5Gi');
 *   q.toString();                              // "1536Mi"
 *   q.add(parseQuantity('512Mi')).toString();  // "2Gi"
 *   parseQuantity('250m').milliValue();        // 250
 */
import { InvalidError } from '../validation/invalid-error.ts';
import { canonicalString, type QuantityFormat } from './format.ts';

export type { QuantityFormat } from './format.ts';

export class Quantity {
  /** The value is `unscaled × 10^exponent`; `unscaled` carries no trailing zeros. */
  readonly unscaled: bigint;
  readonly exponent: number;
  readonly format: QuantityFormat;

  private constructor(unscaled: bigint, exponent: number, format: QuantityFormat) {
    let u = unscaled;
    let e = exponent;
    if (u === 0n) e = 0;
    else {
      while (u % 10n === 0n) {
        u /= 10n;
        e++;
      }
    }
    this.unscaled = u;
    this.exponent = e;
    this.format = format;
  }

  /** `unscaled × 10^exponent`, kept exactly. */
  static fromParts(unscaled: bigint, exponent: number, format: QuantityFormat): Quantity {
    if (!Number.isSafeInteger(exponent)) throw new InvalidError(`invalid exponent: ${exponent}`);
    return new Quantity(unscaled, exponent, format);
  }

  static fromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return Quantity.fromParts(toBigInt(value), 0, format);
  }

  static fromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return Quantity.fromParts(toBigInt(milli), -3, format);
  }

  static zero(format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(0n, 0, format);
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.unscaled < 0n ? -1 : this.unscaled > 0n ? 1 : 0;
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    const [a, b] = aligned(this, other);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** The sum, printed in this quantity's format (or `other`'s when this one is zero). */
  add(other: Quantity): Quantity {
    const [a, b, e] = aligned(this, other);
    return new Quantity(a + b, e, this.isZero() ? other.format : this.format);
  }

  sub(other: Quantity): Quantity {
    return this.add(other.neg());
  }

  neg(): Quantity {
    return new Quantity(-this.unscaled, this.exponent, this.format);
  }

  /**
   * The value in units of `10^scale` (`-3` for milli), rounded away from zero as Kubernetes'
   * `ScaledValue` rounds parsed values.
   */
  scaledValue(scale: number): bigint {
    const shift = this.exponent - scale;
    if (shift >= 0) return this.unscaled * 10n ** BigInt(shift);
    const div = 10n ** BigInt(-shift);
    const q = this.unscaled / div;
    if (q * div === this.unscaled) return q;
    return this.unscaled < 0n ? q - 1n : q + 1n;
  }

  /** Whole units, rounded up (away from zero). Exact up to 2^53; use `scaledValue(0)` beyond. */
  value(): number {
    return Number(this.scaledValue(0));
  }

  /** Thousandths, rounded up (away from zero): `100m` → 100, `1` → 1000. */
  milliValue(): number {
    return Number(this.scaledValue(-3));
  }

  /** A float for display and ratios only; never for accounting. */
  approximate(): number {
    return Number(`${this.unscaled}e${this.exponent}`);
  }

  toString(): string {
    return canonicalString(this.unscaled, this.exponent, this.format);
  }

  toJSON(): string {
    return this.toString();
  }
}

function toBigInt(n: number | bigint): bigint {
  if (typeof n === 'bigint') return n;
  if (!Number.isSafeInteger(n)) throw new InvalidError(`not a safe integer: ${n}`);
  return BigInt(n);
}

/** Both unscaled values over the smaller exponent, and that exponent. */
function aligned(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const e = Math.min(a.exponent, b.exponent);
  return [
    a.unscaled * 10n ** BigInt(a.exponent - e),
    b.unscaled * 10n ** BigInt(b.exponent - e),
    e,
  ];
}
