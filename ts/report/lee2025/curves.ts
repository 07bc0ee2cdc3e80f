import type { Curve } from '../../surrogate/curve';
import { fitSurrogate, type Method } from '../../surrogate/surrogate';
import { type ReportFigure, renderFigure } from '../figure';

export interface CurveFigureRow {
  layers: string;
  ratio: number;
  dice: number;
  series: string;
}

/**
 * The points of Fig 5/7: each depth's observed DSC, the surrogate's prediction at the same
 * ratios, and the paper's linear baseline, all from the surrogate module's fits.
 */
export async function curveRows(curves: Curve[], surrogate: Method, seed = 0): Promise<CurveFigureRow[]> {
  const [fit, lin] = await Promise.all([fitSurrogate(curves, surrogate, { bootstrap: 0, seed }), fitSurrogate(curves, 'linear', { bootstrap: 0 })]);
  return curves.flatMap((c) => {
    const N = c.n[c.n.length - 1];
    const layers = String(c.depth ?? c.model);
    const f = fit.fits.find((x) => x.model === c.model);
    const l = lin.fits.find((x) => x.model === c.model);
    return c.n.flatMap((n, i) => [
      { layers, ratio: n / N, dice: c.dice[i], series: 'observed' },
      ...(f ? [{ layers, ratio: n / N, dice: f.mean(n), series: surrogate }] : []),
      ...(l ? [{ layers, ratio: n / N, dice: l.mean(n), series: 'linear' }] : []),
    ]);
  });
}

/** Lee 2025 Fig 5 (Kvasir-SEG) / Fig 7 (BraTS): observed DSC as points, surrogate and linear baseline as lines. */
export async function curveFigure(id: string, title: string, experiment: string, rows: CurveFigureRow[], surrogate: Method): Promise<ReportFigure> {
  return renderFigure(id, title, `Observed test DSC (points), ${surrogate} predictions (solid) and the linear baseline (dashed) by train data ratio, experiment ${experiment}.`, {
    data: { values: rows },
    width: 520,
    height: 320,
    encoding: {
      x: { field: 'ratio', type: 'quantitative', title: 'Train data ratio', axis: { format: '.0%' } },
      y: { field: 'dice', type: 'quantitative', title: 'DSC', scale: { zero: false } },
      color: { field: 'layers', type: 'nominal', title: 'Layers' },
    },
    layer: [
      { transform: [{ filter: "datum.series === 'observed'" }], mark: { type: 'point', filled: true } },
      { transform: [{ filter: `datum.series === '${surrogate}'` }], mark: 'line' },
      { transform: [{ filter: "datum.series === 'linear'" }], mark: { type: 'line', strokeDash: [4, 3] } },
    ],
  });
}
