/**
 * Kubernetes resource.Quantity values, compared by value (k8s.io/apimachinery/pkg/api/resource):
 * `<signedNumber><suffix>` where the suffix is binary SI (Ki Mi Gi Ti Pi Ei: powers of 1024), decimal
 * SI (n u m "" k M G T P E: powers of 1000) or a decimal exponent (`e3`, `E-2`). So `2Gi` == `2048Mi`,
 * `1000m` == `1`, `0.5` == `500m`, `1e3` == `1k`. Exact: BigInt arithmetic, never floating point.
 */
const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/**
 * The exact value of a quantity as a reduced fraction `numerator/denominator`, or undefined when the
 * text is not a quantity. `1.5Gi` -> `1610612736/1`, `250m` -> `1/4`.
 */
export function quantityValue(text: string): string | undefined {
  const match = QUANTITY.exec(text.trim());
  if (match === null) return undefined;
  const [, sign = '', number = '', exponent, suffix] = match;
  const [whole = '', fraction = ''] = number.split('.');
  let numerator = BigInt(`${whole}${fraction}` || '0');
  let denominator = 10n ** BigInt(fraction.length);
  const power10 = exponent !== undefined ? Number(exponent.slice(1)) : (DECIMAL[suffix ?? ''] ?? 0);
  if (suffix !== undefined && BINARY[suffix] !== undefined) numerator *= 2n ** BigInt(BINARY[suffix] as number);
  if (power10 >= 0) numerator *= 10n ** BigInt(power10);
  else denominator *= 10n ** BigInt(-power10);
  const divisor = gcd(numerator, denominator);
  numerator /= divisor;
  denominator /= divisor;
  return `${sign === '-' && numerator !== 0n ? '-' : ''}${numerator}/${denominator}`;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

/** A quantity as a floating-point number, for range constraints (`max: 8` cores, `min: 0.25`); undefined when not a quantity. */
export function quantityMagnitude(text: string): number | undefined {
  const exact = quantityValue(text);
  if (exact === undefined) return undefined;
  const [numerator = '0', denominator = '1'] = exact.split('/');
  return Number(numerator) / Number(denominator);
}
