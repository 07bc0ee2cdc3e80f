import { describe, expect, it } from 'vitest';
import { fSf, normPpf, normTwoSided, srangePpf, srangeSf, tPpf, tTwoSided } from '../../../ts/stats/distributions';
import { goldenDistributions, mismatches } from './golden';

/** The distribution functions against scipy's values (test/stats/golden/distributions.json). */
const ref = goldenDistributions();

describe('distributions equal scipy', () => {
  it('Student t two-sided tails to 1e-11 relative, down to 1e-150', () => {
    const r = ref.t_two_sided;
    expect(mismatches('t', r.map(([t, df]) => tTwoSided(t, df)), r.map((x) => x[2]), 1e-11)).toEqual([]);
    expect(Math.min(...r.map((x) => x[2]).filter((p) => p > 0))).toBeLessThan(1e-100);
  });
  it('Student t quantiles to 1e-12', () => {
    const r = ref.t_ppf;
    expect(mismatches('t ppf', r.map(([q, df]) => tPpf(q, df)), r.map((x) => x[2]), 1e-12)).toEqual([]);
  });
  it('F tails to 1e-12 relative', () => {
    const r = ref.f_sf;
    expect(mismatches('F', r.map(([f, a, b]) => fSf(f, a, b)), r.map((x) => x[3]), 1e-12)).toEqual([]);
  });
  it('normal two-sided tails and quantiles to 1e-12', () => {
    const r = ref.norm_two_sided;
    expect(mismatches('z', r.map(([z]) => normTwoSided(z)), r.map((x) => x[1]), 1e-12)).toEqual([]);
    const q = ref.norm_ppf;
    expect(mismatches('z ppf', q.map(([p]) => normPpf(p)), q.map((x) => x[1]), 1e-12, 1e-15)).toEqual([]);
  });
  it('studentized range tails to 1e-6 relative (or 1e-9 absolute) and quantiles to 1e-6', () => {
    const r = ref.srange_sf;
    expect(mismatches('srange', r.map(([q, k, df]) => srangeSf(q, k, df)), r.map((x) => x[3]), 1e-6, 1e-9)).toEqual([]);
    const q = ref.srange_ppf;
    // R's ptukey is weakest with many means and few df (15 means, 4 df: 7e-7); elsewhere 1e-8.
    expect(mismatches('srange ppf', q.map(([p, k, df]) => srangePpf(p, k, df)), q.map((x) => x[3]), 1e-6)).toEqual([]);
  });
  it('studentized range upper tail to 1e-9 relative below 1e-4, down to 1e-80 (3 to 15 means)', () => {
    // Above 1e-4 R's ptukey algorithm answers (1e-10 absolute, so 1e-6 relative there).
    const r = ref.srange_sf_tail;
    const tiny = r.filter((x) => x[3] < 1e-4);
    expect(tiny.length).toBeGreaterThan(4);
    expect(mismatches('srange tail', tiny.map(([q, k, df]) => srangeSf(q, k, df)), tiny.map((x) => x[3]), 1e-9)).toEqual([]);
    expect(mismatches('srange tail', r.map(([q, k, df]) => srangeSf(q, k, df)), r.map((x) => x[3]), 1e-6)).toEqual([]);
    expect(Math.min(...r.map((x) => x[3]))).toBeLessThan(1e-30);
  });
});
