import { z } from 'zod';

const Fraction = z.number().gt(0).lte(1);

export const FractionRange = z
  .object({ from: Fraction, to: Fraction, step: z.number().gt(0).lte(1) })
  .strict()
  .refine((r) => r.from <= r.to, { message: '`from` must not exceed `to`', path: ['from'] });

/** Absolute numbers of training images (the LV paper's 200, 500, …). */
export const Counts = z.object({ counts: z.array(z.number().int().positive()).min(1) }).strict();

/** Training subsets: fractions of the training pool (a list or a range), or absolute counts. */
export const Fractions = z.union([z.array(Fraction).min(1), FractionRange, Counts]);
export type Fractions = z.infer<typeof Fractions>;

/** One nested subset: a fraction of the pool or a count of images. */
export type Subset = { fraction: number; count: null } | { fraction: null; count: number };

// Ranges are computed in integer steps so 0.02 * 50 lands on 1, not 0.9999999.
const clean = (x: number) => Math.round(x * 1e9) / 1e9;

export function expandFractions(f: Fractions): number[] {
  if ('counts' in f) throw new Error('expandFractions: counts are not fractions');
  const values = Array.isArray(f)
    ? f
    : Array.from({ length: Math.floor(clean((f.to - f.from) / f.step)) + 1 }, (_, i) => f.from + i * f.step);
  return [...new Set(values.map(clean))].sort((a, b) => a - b);
}

export function expandSubsets(f: Fractions): Subset[] {
  if ('counts' in f) return [...new Set(f.counts)].sort((a, b) => a - b).map((count) => ({ fraction: null, count }));
  return expandFractions(f).map((fraction) => ({ fraction, count: null }));
}

/** Training images at a fraction of the training pool; at least one. The trainer uses the same rule. */
export function trainCount(fraction: number, pool: number): number {
  return Math.max(1, Math.round(clean(fraction * pool)));
}
