/**
 * Where the ensemble's forecast starts: the last observation pulled toward the fit there,
 * A = y_last + anchor·(fit(last) − y_last) (calibration.ts: Stack).
 *
 * The stack's anchor was learnt on LCDB's curves, whose points are means over about 25 seeds and
 * scatter by σ0. Read as a precision weighting, it gives the last point the weight
 * 1 − anchor = τ²/(τ² + σ0²), τ² the variance of the fit's own error at the last size. A single
 * run scatters by σ0² + s² (band.ts: singleRunSd), so its point gets τ²/(τ² + σ0² + s²): a noisy
 * last run leans on the fit, as much as the fit is better pinned there than the run. τ² grows with
 * the square of the gap from the size before the last, past the corpus's spacing (√2 in n), as an
 * extrapolation's error grows with its reach: a grid that jumps from a ladder of small sizes to
 * 100% (the adaptive study's) pins 100% by its fit far less than a dense grid does.
 *
 * No new parameter is learnt: the weight follows from the anchor, σ0 and the run's sd (the gap's
 * power, 2, is the one a reach linear in distance gives; 4 did worse on the adaptive study's
 * single-run replays, error 0.0288 against 0.0280). On 1,000 LCDB single runs a set
 * (bench/singlerun.ts) the MAE at the largest n fell by 5–11% at every cut and from 3 or 4 sizes,
 * coverage within 0.004 (README, "A grid of single runs"). Where the grid has repeats, or its
 * points are means, s is 0 and the anchor is the stack's.
 */
const CORPUS_SPACING = Math.log(Math.SQRT2);

export function anchorWeight(anchor: number, sigma0: number, runSd: number, gap: number): number {
  if (runSd <= 0 || anchor <= 0) return anchor;
  const reach = Math.max(1, gap / CORPUS_SPACING);
  const tau2 = ((sigma0 ** 2 * (1 - anchor)) / anchor) * reach ** 2;
  const point2 = sigma0 ** 2 + runSd ** 2;
  return point2 / (tau2 + point2);
}
