import { levenbergMarquardt as library } from 'ml-levenberg-marquardt';
import { describe, expect, it } from 'vitest';
import { calibration } from '../../../ts/surrogate/calibration';
import { levenbergMarquardt as ours } from '../../../ts/surrogate/lm';
import { BOUNDED_MODELS, MODELS, type CurveModelName } from '../../../ts/surrogate/parametric';
import { rng } from '../../../ts/surrogate/random';

/**
 * lm.ts is ml-levenberg-marquardt's algorithm on plain arrays: it must give the library's numbers
 * bit for bit (the forecasts users see were made with the library), on the problems the fits pose:
 * every family, weighted points, prior rows, random starts in and out of the box, pinned bounds,
 * starts that leave a family's domain (both throw or give NaN alike).
 */
const bits = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
type Problem = Parameters<typeof ours>;

function problem(name: CurveModelName, r: () => number): Problem {
  const mod = MODELS[name];
  const m = 4 + Math.floor(r() * 17);
  const u = Array.from({ length: m }, (_, i) => (0.05 + i / m) * (0.5 + r()));
  const a = 0.6 + 0.35 * r();
  const y = u.map((v) => Math.min(1, Math.max(0, a - (0.1 + 0.5 * r()) * v ** -(0.1 + r() * 0.8) * 0.2 + 0.02 * (r() - 0.5))));
  const s = u.map(() => 0.01 + 0.05 * r());
  const priors = r() < 0.6 ? (calibration().priors[name] ?? []) : [];
  const idx = priors.map((pr) => mod.params.indexOf(pr.param));
  const tf = (j: number, v: number) => (priors[j].log ? Math.log(Math.max(v, 1e-12)) : v);
  const start = mod.lo.map((lo, i) => {
    const w = r();
    return w < 0.1 ? lo : w < 0.15 ? mod.hi[i] : w < 0.2 ? lo - 1 : lo + (Math.min(mod.hi[i], 20) - lo) * r();
  });
  const pinned = r() < 0.2 ? [Math.floor(r() * start.length)] : [];
  const lo = mod.lo.map((v, i) => (pinned.includes(i) ? start[i] : v));
  const hi = mod.hi.map((v, i) => (pinned.includes(i) ? start[i] : v));
  const xs = [...u.map((_, i) => i), ...priors.map((_, j) => -1 - j)];
  const ys = [...y.map((v, i) => v / s[i]), ...priors.map((pr) => pr.mean / pr.sd)];
  return [
    { x: xs, y: ys },
    (p) => (x) => (x >= 0 ? mod.f(p, u[x]) / s[x] : tf(-1 - x, p[idx[-1 - x]]) / priors[-1 - x].sd),
    {
      initialValues: start, minValues: lo, maxValues: hi, maxIterations: [40, 50, 200, 300][Math.floor(r() * 4)], errorTolerance: 1e-14, damping: 1e-3,
      jacobianFunction: (p) => (x, out) => {
        if (x >= 0) return out.set(mod.jac(p, u[x]).map((g) => g / s[x]));
        const j = -1 - x;
        out.fill(0);
        out[idx[j]] = (priors[j].log ? 1 / Math.max(p[idx[j]], 1e-12) : 1) / priors[j].sd;
      },
    },
  ];
}

/** The same options for the library, whose Jacobian returns each point's partials as an array. */
const forLibrary = (o: Problem[2]) => ({
  ...o,
  jacobianFunction: (p: number[]) => (x: number) => {
    const out = new Float64Array(p.length);
    o.jacobianFunction(p)(x, out);
    return [...out];
  },
});

const outcome = (run: () => { parameterValues: number[]; parameterError: number; iterations: number }) => {
  try {
    const r = run();
    return { params: r.parameterValues.map(bits), error: bits(r.parameterError), iterations: r.iterations };
  } catch (e) {
    return { threw: (e as Error).message };
  }
};

describe('bounded LM on plain arrays', () => {
  it("gives ml-levenberg-marquardt's parameters, error and iteration count bit for bit", () => {
    const r = rng(7);
    let compared = 0;
    for (let t = 0; t < 1200; t++) {
      const name = [...BOUNDED_MODELS, 'log2' as const][t % 6];
      const [data, model, o] = problem(name, r);
      const mine = outcome(() => ours(data, model, o));
      const theirs = outcome(() => library(data, model, forLibrary(o)));
      expect(mine, `${name} problem ${t}`).toEqual(theirs);
      compared += 'params' in mine ? 1 : 0;
    }
    expect(compared).toBeGreaterThan(1000); // most problems fit: the comparison is of numbers, not of errors
  });

  it("takes the library's fallback alike where the damped normal matrix is not positive definite", () => {
    // two nearly equal columns at a scale where the damping is lost in rounding: the Cholesky solve
    // fails, the library inverts by LU (numbers in most of these, 'singular' in the last)
    for (const [scale, eps] of [[1e6, 1e-8], [1e8, 1e-6], [1e8, 1e-8], [1e8, 1e-10], [1e9, 1e-6]]) {
      const xs = [1, 2, 3, 4, 5].map((v) => v * scale);
      const data = { x: xs, y: xs.map((v) => 0.7 * v + 1) };
      const o = {
        initialValues: [0.1, 0.2], minValues: [-10, -10], maxValues: [10, 10], maxIterations: 20, errorTolerance: 1e-14, damping: 1e-3,
        jacobianFunction: () => (x: number, out: Float64Array) => out.set([x, x * (1 + eps)]),
      };
      const model = ([a, b]: number[]) => (x: number) => (a + b * (1 + eps)) * x;
      expect(outcome(() => ours(data, model, o)), `scale ${scale}, eps ${eps}`).toEqual(outcome(() => library(data, model, forLibrary(o))));
    }
  });
});
