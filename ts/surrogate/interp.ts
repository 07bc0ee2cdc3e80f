/** Piecewise-linear interpolation on increasing xs, flat beyond the ends (exact at the nodes). */
export function interp(xs: ArrayLike<number>, ys: ArrayLike<number>, v: number): number {
  if (v <= xs[0]) return ys[0];
  const last = xs.length - 1;
  if (v >= xs[last]) return ys[last];
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= v) lo = mid;
    else hi = mid;
  }
  return ys[lo] + ((v - xs[lo]) / (xs[hi] - xs[lo])) * (ys[hi] - ys[lo]);
}
