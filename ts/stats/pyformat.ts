import { pythonLabel } from './frame';

/**
 * Python's %-formatting for the few specs statsmodels' summaries use ('%#8.4g', '%10.4f', ...),
 * so that plateau's tables read like statsmodels' own.
 */
export function pyFormat(spec: string, x: number): string {
  const m = /^%(#?)(\d*)(?:\.(\d+))?([fge])$/.exec(spec);
  if (!m) throw new Error(`pyFormat: unsupported spec ${spec}`);
  const alt = m[1] === '#';
  const width = m[2] ? Number(m[2]) : 0;
  const prec = m[3] !== undefined ? Number(m[3]) : 6;
  let s: string;
  if (Number.isNaN(x)) s = 'nan';
  else if (!Number.isFinite(x)) s = x > 0 ? 'inf' : '-inf';
  else if (m[4] === 'f') s = x.toFixed(prec);
  else if (m[4] === 'e') s = exponential(x, prec);
  else s = general(x, prec === 0 ? 1 : prec, alt);
  return s.padStart(width);
}

function exponential(x: number, digits: number): string {
  const [mant, exp] = x.toExponential(digits).split('e');
  const e = Number(exp);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** %g: fixed or exponential by the exponent, trailing zeros kept only with '#'. */
function general(x: number, p: number, alt: boolean): string {
  const e = x === 0 ? 0 : Number(x.toExponential(p - 1).split('e')[1]);
  let s = e < -4 || e >= p ? exponential(x, p - 1) : x.toFixed(Math.max(0, p - 1 - e));
  if (alt) {
    if (!s.includes('.')) s = s.replace(/^(-?\d+)/, '$1.');
  } else if (s.includes('.')) {
    s = s.replace(/\.?0+(e|$)/, '$1');
  }
  return s;
}

/** statsmodels' forg: 3 or 4 decimals, or %g beyond 1e4 and below 1e-4. */
export function forg(x: number, prec: 3 | 4 = 3): string {
  const a = Math.abs(x);
  if (prec === 3) return a >= 1e4 || a < 1e-4 ? pyFormat('%9.3g', x) : pyFormat('%9.3f', x);
  return a >= 1e4 || a < 1e-4 ? pyFormat('%10.4g', x) : pyFormat('%10.4f', x);
}

/** str(round(x, n)) in Python: how statsmodels' Tukey table prints its numbers. */
export function pyRound(x: number, n: number): string {
  if (!Number.isFinite(x)) return pythonLabel(x);
  return pythonLabel(Number(x.toFixed(n)));
}
