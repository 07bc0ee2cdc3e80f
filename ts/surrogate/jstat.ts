import { createRequire } from 'node:module';

/** jStat (a well-kept statistics library) ships no types; these are the quantile functions used here. */
export const jStat = createRequire(import.meta.url)('jstat') as {
  studentt: { inv: (p: number, dof: number) => number };
  normal: { inv: (p: number, mean: number, sd: number) => number };
};

/** The two-sided normal multiplier for a central interval of `level`. */
export const zOf = (level: number) => jStat.normal.inv(0.5 + level / 2, 0, 1);
