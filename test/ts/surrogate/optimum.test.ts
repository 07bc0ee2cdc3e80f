import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MODELS, fitModel } from '../../../ts/surrogate/parametric';
import { normal, rng } from '../../../ts/surrogate/random';
import { PYTHON } from '../helpers';

// Independent fits by scipy (least_squares, trust-region reflective, under the same boxes) from
// 60 random starts each: plateau's fit must reach their best residual sum of squares.
const SCIPY = `
import json, sys, numpy as np
from scipy.optimize import least_squares
F = {
  'pow4': lambda p, u: p[0] - p[1] * (u + p[3]) ** (-p[2]),
  'mmf4': lambda p, u: p[2] * (p[0] * p[1] + u ** p[3]) / (p[1] + u ** p[3]),
  'wbl4': lambda p, u: p[2] - p[2] * (1 - p[0]) * np.exp(-(p[1] * u) ** p[3]),
}
rs = np.random.default_rng(0)
out = []
for case in json.load(sys.stdin):
    u, y = np.array(case['u']), np.array(case['y'])
    lo, hi = np.array(case['lo'], float), np.array(case['hi'], float)
    f = F[case['model']]
    best = np.inf
    for _ in range(60):
        # log-uniform starts for positive parameters spanning several decades
        s = np.array([np.exp(rs.uniform(np.log(a), np.log(b))) if a > 0 else rs.uniform(a, min(b, 1)) for a, b in zip(lo, hi)])
        with np.errstate(all='ignore'):
            try:
                r = least_squares(lambda p: f(p, u) - y, s, bounds=(lo, hi), method='trf', x_scale='jac', max_nfev=400)
            except ValueError:
                continue
        if np.isfinite(r.cost):
            best = min(best, 2 * r.cost)
    out.append(best)
print(json.dumps(out))
`;

function cases() {
  const r = rng(11);
  const out: { model: 'pow4' | 'mmf4'; n: number[]; y: number[] }[] = [];
  const shapes = [
    (u: number) => 0.85 - 0.3 * (u + 0.02) ** -0.4 * 0.3,
    (u: number) => (0.1 * 0.05 + 0.9 * u ** 1.2) / (0.05 + u ** 1.2),
    (u: number) => 0.05 + 0.85 / (1 + Math.exp(-1.6 * Math.log(u / 0.1))),
    (u: number) => 0.9 - 0.5 * Math.exp(-8 * u),
  ];
  for (const model of ['pow4', 'mmf4'] as const) {
    shapes.forEach((shape, i) => {
      for (const m of [6, 12]) {
        const n = Array.from({ length: m }, (_, k) => Math.round(1000 * 0.02 * (0.5 / 0.02) ** (k / (m - 1))));
        out.push({ model, n, y: n.map((v) => Math.min(1, Math.max(0, shape(v / 1000) + 0.01 * (i % 2 ? normal(r) : 0.3 * normal(r))))) });
      }
    });
  }
  return out;
}

describe('parametric fits reach the optimum', () => {
  // pow4 and mmf4, the families the audit found stuck. (wbl4 is not claimed: at r = 0
  // ml-levenberg-marquardt creeps along its curved b–d valley and stops 2–15% above scipy.)
  it('pow4 and mmf4: RSS within 1% (+1e-9) of scipy’s best of 60 starts on 16 curves', () => {
    const cs = cases();
    const mine = cs.map((c) => fitModel(c.model, c.n, c.y, 1000)!);
    const input = cs.map((c) => ({ model: c.model, u: c.n.map((v) => v / 1000), y: c.y, lo: MODELS[c.model].lo, hi: MODELS[c.model].hi }));
    const scipy = JSON.parse(execFileSync(PYTHON, ['-c', SCIPY], { input: JSON.stringify(input), encoding: 'utf8' })) as number[];
    cs.forEach((c, i) => {
      expect(mine[i].rss, `${c.model} case ${i}`).toBeLessThanOrEqual(scipy[i] * 1.01 + 1e-9);
      expect(mine[i].converged).toBe(true);
    });
  });
});
