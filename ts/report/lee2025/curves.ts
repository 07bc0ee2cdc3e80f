import { type Curve, fullN } from '../../surrogate/curve';
import type { Answer } from '../../surrogate/engine';
import { fitSurrogate, type Method } from '../../surrogate/surrogate';
import { type ReportFigure, renderFigure } from '../figure';

export interface CurveFigureRow {
  layers: string;
  ratio: number;
  dice: number;
  /** 'observed', the answer's method, 'linear', or 'band' (the 95% interval past the data: lo..hi) */
  series: string;
  lo?: number;
  hi?: number;
}

/** How far past the largest observed n the figure carries the forecast (2 = 200%, the answer's last point). */
export const FIGURE_REACH = 2;

/**
 * The points of Fig 5/7: each depth's observed DSC, the answer engine's fit at the same ratios and
 * on past 100% to 200% with its 95% band (the numbers of the report's Answer), and the paper's
 * linear baseline at the observed ratios. Ratios are of each curve's largest observed n, as in
 * the answer.
 */
export async function curveRows(curves: Curve[], a: Answer, steps = 20): Promise<CurveFigureRow[]> {
  const lin = await fitSurrogate(curves, 'linear');
  return curves.flatMap((c) => {
    const N = fullN(c); // the planned full set: 100% even while the grid still runs
    const layers = String(c.depth ?? c.model);
    const f = a.models.find((x) => x.model === c.model)?.fit;
    const l = lin.fits.find((x) => x.model === c.model);
    const past = f ? Array.from({ length: steps + 1 }, (_, i) => N * (1 + ((FIGURE_REACH - 1) * i) / steps)) : [];
    return [
      ...c.n.flatMap((n, i) => [
        { layers, ratio: n / N, dice: c.dice[i], series: 'observed' },
        ...(f ? [{ layers, ratio: n / N, dice: f.mean(n), series: a.method }] : []),
        ...(l ? [{ layers, ratio: n / N, dice: l.mean(n), series: 'linear' }] : []),
      ]),
      ...(f ? past.slice(1).map((n) => ({ layers, ratio: n / N, dice: f.mean(n), series: a.method })) : []),
      ...(f
        ? past.map((n) => {
            const [lo, hi] = f.band(n, 0.95);
            return { layers, ratio: n / N, dice: f.mean(n), series: 'band', lo, hi };
          })
        : []),
    ];
  });
}

/**
 * Lee 2025 Fig 5 (Kvasir-SEG) / Fig 7 (BraTS): observed DSC as points, the surrogate as lines
 * carried past the data to 200% with its 95% band (shaded), and the linear baseline (dashed).
 */
export async function curveFigure(id: string, title: string, experiment: string, rows: CurveFigureRow[], surrogate: Method): Promise<ReportFigure> {
  return renderFigure(
    id,
    title,
    `Observed test DSC (points), ${surrogate} predictions (solid; past the largest observed n up to ${FIGURE_REACH * 100}% with the 95% interval shaded) and the linear baseline (dashed) by train data ratio, experiment ${experiment}.`,
    {
      data: { values: rows },
      width: 520,
      height: 320,
      encoding: {
        x: { field: 'ratio', type: 'quantitative', title: 'Train data ratio (of the largest observed n)', axis: { format: '.0%' } },
        y: { field: 'dice', type: 'quantitative', title: 'DSC', scale: { zero: false } },
        color: { field: 'layers', type: 'nominal', title: 'Layers' },
      },
      layer: [
        { transform: [{ filter: "datum.series === 'band'" }], mark: { type: 'area', opacity: 0.18 }, encoding: { y: { field: 'lo', type: 'quantitative', title: 'DSC' }, y2: { field: 'hi' } } },
        { transform: [{ filter: "datum.series === 'observed'" }], mark: { type: 'point', filled: true } },
        { transform: [{ filter: `datum.series === '${surrogate}'` }], mark: 'line' },
        { transform: [{ filter: "datum.series === 'linear'" }], mark: { type: 'line', strokeDash: [4, 3] } },
      ],
    },
  );
}
