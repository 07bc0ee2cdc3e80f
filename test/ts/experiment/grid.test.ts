import { describe, expect, it } from 'vitest';
import { expandFractions, trainCount } from '../../../ts/experiment/fractions';
import { expandGrid } from '../../../ts/experiment/grid';
import { modelDepth } from '../../../ts/experiment/model';
import { canonicalJson, jobKey } from '../../../ts/experiment/job';
import { tiny } from '../helpers';

describe('fractions', () => {
  it('expands 2%..100% step 2% into exactly 50 values ending at 1', () => {
    const f = expandFractions({ from: 0.02, to: 1, step: 0.02 });
    expect(f).toHaveLength(50);
    expect(f[0]).toBe(0.02);
    expect(f[49]).toBe(1);
    expect(f[24]).toBe(0.5);
  });

  it('sorts and de-duplicates a list', () => {
    expect(expandFractions([1, 0.5, 0.5, 0.25])).toEqual([0.25, 0.5, 1]);
  });

  it('gives non-decreasing training counts, at least one image', () => {
    const f = expandFractions({ from: 0.01, to: 1, step: 0.01 });
    const n = f.map((x) => trainCount(x, 37));
    for (let i = 1; i < n.length; i++) expect(n[i]).toBeGreaterThanOrEqual(n[i - 1]);
    expect(n[0]).toBe(1);
    expect(n.at(-1)).toBe(37);
  });
});

describe('grid', () => {
  it('expands fractions × depths with counts', () => {
    const jobs = expandGrid(tiny({ fractions: [0.25, 0.5, 1] }));
    expect(jobs).toHaveLength(6);
    expect(jobs.map((j) => `${j.fraction}/${modelDepth(j.model)}/${j.n_train}`)).toEqual([
      '0.25/2/6', '0.25/3/6', '0.5/2/12', '0.5/3/12', '1/2/24', '1/3/24',
    ]);
  });

  it('gives stable, distinct keys: same spec → same key, any change → another', () => {
    const a = expandGrid(tiny());
    const b = expandGrid(tiny());
    expect(a.map((j) => j.key)).toEqual(b.map((j) => j.key));
    expect(new Set(a.map((j) => j.key)).size).toBe(a.length);
    const c = expandGrid(tiny({ training: { epochs: 1, batch_size: 8, lr: 0.02 } }));
    expect(c.map((j) => j.key).filter((k) => a.some((j) => j.key === k))).toEqual([]);
  });

  it('keys do not depend on object key order', () => {
    const { key, ...spec } = expandGrid(tiny())[0];
    const reordered = Object.fromEntries(Object.entries(spec).reverse()) as typeof spec;
    expect(jobKey(reordered)).toBe(key);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });
});
