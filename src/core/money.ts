/**
 * Exact money. Costs are decimal strings in USD everywhere they are stored ("0.01175");
 * arithmetic goes through big.js, whose add and multiply are exact (only division rounds).
 * Sums of many amounts go through the one exact accumulator, decimal-sum.ts.
 */
import Big from 'big.js';

// big.js only rounds on division and sqrt; keep plenty of places for averages.
Big.DP = 30;
// Never switch to exponential notation in toString(): stored strings stay plain decimals.
Big.NE = -1e6;
Big.PE = 1e6;

export type Money = Big;

const DECIMAL = /^-?(?:\d+)(?:\.\d+)?$/;
const DECIMAL_OR_EXP = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

export const ZERO: Money = new Big(0);

/** Parses a stored decimal string ("0.01175"). Throws on anything else. */
export function parseMoney(text: string): Money {
  if (!DECIMAL.test(text)) throw new Error(`not a decimal amount: ${JSON.stringify(text)}`);
  return new Big(text);
}

/** Parses a rate that may use exponent notation, as price tables do ("2.5e-06"). */
export function parseRate(text: string | number): Money {
  const s = typeof text === 'number' ? numberToDecimalString(text) : text.trim();
  if (!DECIMAL_OR_EXP.test(s)) throw new Error(`not a decimal rate: ${JSON.stringify(text)}`);
  return new Big(s);
}

/**
 * A JSON number as the decimal its author wrote: JavaScript prints the shortest string that
 * round-trips, so 2.5e-06 becomes "0.0000025", not 2.49999…e-06.
 */
export function numberToDecimalString(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return new Big(String(n)).toString();
}

/** The canonical stored form: plain decimal, no exponent, no trailing zeros. */
export function moneyToString(m: Money): string {
  return m.toString();
}

/** Tokens times a per-token rate, exact. */
export function tokensTimesRate(tokens: number, ratePerToken: Money): Money {
  return ratePerToken.times(tokens);
}

/**
 * 1500 -> "1,500". Plain string grouping rather than Intl.NumberFormat: ICU's first use
 * costs milliseconds, and this runs on the record path.
 */
export function formatCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + groupDigits(String(Math.abs(Math.trunc(n))));
}

function groupDigits(intPart: string): string {
  if (intPart.length <= 3) return intPart;
  let out = '';
  let from = 0;
  for (let next = intPart.length % 3 || 3; next <= intPart.length; next += 3) {
    out += (from === 0 ? '' : ',') + intPart.slice(from, next);
    from = next;
  }
  return out;
}

/**
 * Money for people: "$1,234.57" at a dollar and above; below a dollar, four significant
 * digits with at least two decimals ("$0.01175", "$0.0234", "$0.50"), so a small call is
 * never shown as $0.00. Exact values live in the ledger.
 *
 * A stored (plain, non-negative) decimal string is rounded as digits, without big.js: an
 * import renders hundreds of thousands of cost cells. formatUsdBig is the reference the
 * digit path is property-tested against, and still formats negative amounts.
 */
export function formatUsd(value: Money | string): string {
  return (typeof value === 'string' ? formatUsdDigits(value) : null) ?? formatUsdBig(value);
}

export function formatUsdBig(value: Money | string): string {
  const m = typeof value === 'string' ? parseMoney(value) : value;
  const negative = m.lt(0);
  const abs = m.abs();
  let text: string;
  if (abs.eq(0)) text = '0.00';
  else if (abs.gte(1)) text = abs.round(2, Big.roundHalfUp).toFixed(2);
  else {
    const rounded = abs.prec(4, Big.roundHalfUp);
    if (rounded.gte(1)) text = abs.round(2, Big.roundHalfUp).toFixed(2);
    else {
      text = rounded.toFixed();
      if ((text.split('.')[1] ?? '').length < 2) text = rounded.toFixed(2);
    }
  }
  const [intPart = '0', frac] = text.split('.');
  return `${negative ? '-' : ''}$${groupDigits(intPart)}${frac === undefined ? '' : `.${frac}`}`;
}

const PLAIN = /^\d+(?:\.\d+)?$/;

/** Decimals of every cost cell in the tool's tables (formatUsdCell). */
export const CELL_DECIMALS = 4;

/**
 * Money in a table column: always four decimals, so a column's amounts line up and none
 * looks more precise than another ("$0.0118", "$0.0081", "$12.3400", "$1,234.5678"). A cost
 * above zero that would round to $0.0000 reads "<$0.0001", never as free. Rounded half up;
 * exact values live in the ledger (and in the lists' totals, which keep formatUsd).
 */
export function formatUsdCell(value: Money | string): string {
  if (typeof value === 'string' && PLAIN.test(value)) {
    const dot = value.indexOf('.');
    const int = (dot < 0 ? value : value.slice(0, dot)).replace(/^0+(?=\d)/, '');
    const frac = dot < 0 ? '' : value.slice(dot + 1);
    const [i, f] = roundHalfUp(int, frac, CELL_DECIMALS);
    if (i === '0' && /^0+$/.test(f) && /[1-9]/.test(frac)) return `<$0.${'0'.repeat(CELL_DECIMALS - 1)}1`;
    return `$${groupDigits(i)}.${f}`;
  }
  const m = typeof value === 'string' ? parseMoney(value) : value;
  const abs = m.abs();
  const rounded = abs.round(CELL_DECIMALS, Big.roundHalfUp);
  const sign = m.lt(0) ? '-' : '';
  if (rounded.eq(0) && !abs.eq(0)) return `${sign === '-' ? '>-' : '<'}$0.${'0'.repeat(CELL_DECIMALS - 1)}1`;
  const [int = '0', frac = ''] = rounded.toFixed(CELL_DECIMALS).split('.');
  return `${rounded.eq(0) ? '' : sign}$${groupDigits(int)}.${frac}`;
}



function formatUsdDigits(text: string): string | null {
  if (!PLAIN.test(text)) return null;
  const dot = text.indexOf('.');
  const int = (dot < 0 ? text : text.slice(0, dot)).replace(/^0+(?=\d)/, '');
  const frac = dot < 0 ? '' : text.slice(dot + 1);
  if (int === '0') {
    const lead = frac.search(/[1-9]/);
    if (lead < 0) return '$0.00';
    // Four significant digits; rounding up to a whole dollar falls through to cents.
    const [i, f] = roundHalfUp('0', frac, lead + 4);
    if (i === '0') {
      const kept = f.replace(/0+$/, '');
      return `$0.${kept.length < 2 ? kept.padEnd(2, '0') : kept}`;
    }
  }
  const [i, f] = roundHalfUp(int, frac, 2);
  return `$${groupDigits(i)}.${f}`;
}

/** int.frac rounded half up to `places` decimals: [int digits, exactly `places` decimals]. */
function roundHalfUp(int: string, frac: string, places: number): [string, string] {
  if (frac.length <= places) return [int, frac.padEnd(places, '0')];
  let digits = int + frac.slice(0, places);
  if (frac.charCodeAt(places) >= 0x35) digits = incrementDigits(digits);
  const cut = digits.length - places;
  return [digits.slice(0, cut).replace(/^0+(?=\d)/, '') || '0', digits.slice(cut)];
}

function incrementDigits(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') i--;
  if (i < 0) return `1${'0'.repeat(digits.length)}`;
  return digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + '0'.repeat(digits.length - i - 1);
}

/**
 * A non-negative safe integer n as the decimal n / 10^places, canonical (no trailing zeros
 * after the point, no point when whole). Callers make sure n is exact.
 */
export function scaledToString(n: number, places: number): string {
  let s = String(n);
  if (places === 0) return s;
  if (s.length <= places) s = '0'.repeat(places - s.length + 1) + s;
  const cut = s.length - places;
  let end = s.length;
  while (end > cut && s.charCodeAt(end - 1) === 0x30) end--;
  return end === cut ? s.slice(0, cut) : `${s.slice(0, cut)}.${s.slice(cut, end)}`;
}
