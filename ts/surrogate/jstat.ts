import { createRequire } from 'node:module';

/** jStat (a well-kept statistics library) ships no types; these are the quantile functions used here. */
export const jStat = createRequire(import.meta.url)('jstat') as {
  studentt: { inv: (p: number, dof: number) => number };
  normal: { inv: (p: number, mean: number, sd: number) => number; cdf: (x: number, mean: number, sd: number) => number };
};

/** The two-sided normal multiplier for a central interval of `level`. */
export const zOf = (level: number) => jStat.normal.inv(0.5 + level / 2, 0, 1);

/**
 * Hesterberg's expanded percentile interval (2015, "What teachers should know about the
 * bootstrap"): bootstrap percentiles are too narrow in small samples, by about the ratio of t to
 * normal quantiles; taking the percentiles at the level whose normal quantile equals Student's t
 * quantile on `dof` degrees of freedom restores the coverage.
 */
export const expandedLevel = (level: number, dof: number) =>
  dof > 0 ? 2 * jStat.normal.cdf(jStat.studentt.inv(0.5 + level / 2, dof), 0, 1) - 1 : level;
