import type { FittedCurve } from './surrogate';

/** One forecast row, as `plateau forecast --json` prints it. */
export interface Forecast {
  model: string;
  method: string;
  n: number;
  fraction: number;
  dice: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export function forecastAt(fit: FittedCurve, ns: number[]): Forecast[] {
  return ns.map((n) => {
    const [lo80, hi80] = fit.band(n, 0.8);
    const [lo95, hi95] = fit.band(n, 0.95);
    return { model: fit.model, method: fit.method, n, fraction: n / fit.nRef, dice: fit.mean(n), lo80, hi80, lo95, hi95 };
  });
}

export interface TargetAnswer {
  model: string;
  dice: number;
  /** the size at which the forecast reaches the target; null when not reachable */
  n: number | null;
  fraction: number | null;
  /** 95% interval on n: where the upper and the lower 95% band reach the target (hi null = not within the search) */
  lo: number | null;
  hi: number | null;
  reachable: boolean;
  reason: string;
}

/** The search range for sizes: from the smallest fitted n to `reach` × the full data set. */
const searchMax = (fit: FittedCurve, reach: number) => reach * fit.nRef;

/**
 * First n in [a, b] where g(n) ≥ 0 for an increasing-ish g: a log-spaced scan for the first sign
 * change, then bisection to relative precision 1e-10. null when g < 0 all along.
 */
export function firstCrossing(g: (n: number) => number, a: number, b: number, scan = 400): number | null {
  if (g(a) >= 0) return a;
  let prev = a;
  for (let i = 1; i <= scan; i++) {
    const v = a * (b / a) ** (i / scan);
    if (g(v) >= 0) {
      let lo = prev;
      let hi = v;
      while (hi - lo > 1e-10 * hi) {
        const mid = (lo + hi) / 2;
        if (g(mid) >= 0) hi = mid;
        else lo = mid;
      }
      return hi;
    }
    prev = v;
  }
  return null;
}

/**
 * The n needed for a target Dice. A surrogate with an asymptote at or below the target says so;
 * others are searched up to `reach` × the full data set (default 1000 for curves with an
 * asymptote, where the search only bounds the arithmetic, and 3 for the LSTMs and the line, whose
 * forecasts are not meant far past the data).
 */
export function targetSize(fit: FittedCurve, dice: number, reach?: number): TargetAnswer {
  const R = reach ?? (fit.asymptote !== null ? 1000 : 3);
  const a = Math.min(fit.observedMaxN, fit.nRef) / 100;
  const b = searchMax(fit, R);
  const base = { model: fit.model, dice };
  if (fit.asymptote !== null && fit.asymptote <= dice) {
    return { ...base, n: null, fraction: null, lo: null, hi: null, reachable: false, reason: `not reachable within the fitted asymptote (${fit.asymptote.toFixed(4)})` };
  }
  const n = firstCrossing((v) => fit.mean(v) - dice, a, b);
  const lo = firstCrossing((v) => fit.band(v, 0.95)[1] - dice, a, b);
  const hi = firstCrossing((v) => fit.band(v, 0.95)[0] - dice, a, b);
  if (n === null) {
    return { ...base, n: null, fraction: null, lo, hi: null, reachable: false, reason: `not reached by ${R}× the data set (n ≤ ${Math.round(b)})` };
  }
  return { ...base, n, fraction: n / fit.nRef, lo, hi, reachable: true, reason: hi === null ? 'upper bound beyond the search range' : '' };
}

export interface PlateauPoint {
  model: string;
  n: number | null;
  fraction: number | null;
  threshold: number;
  step: number;
}

/**
 * The point of diminishing returns: the smallest n beyond which adding another `step` of the full
 * data set (default 10%) is forecast to add less than `threshold` Dice (default 0.005).
 */
export function plateauPoint(fit: FittedCurve, threshold = 0.005, step = 0.1, reach = 3): PlateauPoint {
  const a = Math.min(fit.observedMaxN, fit.nRef) / 100;
  const d = step * fit.nRef;
  const n = firstCrossing((v) => threshold - (fit.mean(v + d) - fit.mean(v)), a, searchMax(fit, reach));
  return { model: fit.model, n, fraction: n === null ? null : n / fit.nRef, threshold, step };
}

/** At each data budget, the model (depth) with the best forecast Dice. */
export function bestModelAt(fits: FittedCurve[], ns: number[]): { n: number; model: string; dice: number; lo95: number; hi95: number }[] {
  return ns.map((n) => {
    const best = fits.reduce((a, b) => (b.mean(n) > a.mean(n) ? b : a));
    const [lo95, hi95] = best.band(n, 0.95);
    return { n, model: best.model, dice: best.mean(n), lo95, hi95 };
  });
}
