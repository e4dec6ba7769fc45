/** 10^0 to 10^15, each exact as a double. */
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * One number of PostgreSQL's float8 text in `text` from `a` to `z`. A plain decimal of at most
 * 15 digits is its digits as an integer divided by a power of ten: both exact as doubles, so the
 * division rounds once, to the same double `Number` gives. Anything else (an exponent, NaN) goes
 * to `Number`.
 */
function numberAt(text: string, a: number, z: number): number {
  let i = a;
  const negative = text.charCodeAt(i) === 45;
  if (negative) {
    i++;
  }
  let digits = 0;
  let scale = 0;
  let dot = false;
  let mantissa = 0;
  for (; i < z; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      scale += dot ? 1 : 0;
    } else if (c === 46 && !dot) {
      dot = true;
    } else {
      return Number(text.slice(a, z));
    }
  }
  if (digits === 0 || digits > 15) {
    return Number(text.slice(a, z));
  }
  const v = mantissa / POW10[scale];
  return negative ? -v : v;
}

/**
 * The numbers of a comma-separated list (`array_to_string` of float8), without a string per
 * number: about twice as fast as `split(',').map(Number)` over the 2 M numbers of a
 * 1,000-subscriber hour, and the same doubles.
 */
export function numberList(text: string): number[] {
  const out: number[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 44) {
      out.push(numberAt(text, start, i));
      start = i + 1;
    }
  }
  out.push(numberAt(text, start, text.length));
  return out;
}
