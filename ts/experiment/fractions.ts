import { z } from 'zod';

const Fraction = z.number().gt(0).lte(1);

export const FractionRange = z
  .object({ from: Fraction, to: Fraction, step: z.number().gt(0).lte(1) })
  .strict()
  .refine((r) => r.from <= r.to, { message: '`from` must not exceed `to`', path: ['from'] });

/** A list of training fractions, or an evenly spaced range (2%..100% step 2% in Lee 2025). */
export const Fractions = z.union([z.array(Fraction).min(1), FractionRange]);
export type Fractions = z.infer<typeof Fractions>;

// Ranges are computed in integer steps so 0.02 * 50 lands on 1, not 0.9999999.
const clean = (x: number) => Math.round(x * 1e9) / 1e9;

export function expandFractions(f: Fractions): number[] {
  const values = Array.isArray(f)
    ? f
    : Array.from({ length: Math.floor(clean((f.to - f.from) / f.step)) + 1 }, (_, i) => f.from + i * f.step);
  return [...new Set(values.map(clean))].sort((a, b) => a - b);
}

/** Training images at a fraction of the training pool; at least one. */
export function trainCount(fraction: number, pool: number): number {
  return Math.max(1, Math.round(clean(fraction * pool)));
}
