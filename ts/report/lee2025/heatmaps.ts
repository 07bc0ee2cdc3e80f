import { groupBy } from '../../group';
import { mean } from '../../surrogate/random';
import type { ReportData } from '../data';
import { type ReportFigure, renderFigure } from '../figure';

const METRICS = [
  ['S1', 'iou', 'IoU'],
  ['S2', 'dice', 'DSC'],
  ['S3', 'recall', 'Recall'],
  ['S4', 'precision', 'Precision'],
] as const;

/** The cells of one heat map: the metric's mean over folds and repeats at each (ratio, depth). */
export function heatmapCells(d: ReportData, metric: 'iou' | 'dice' | 'recall' | 'precision') {
  const by = groupBy(d.rows, (r) => `${d.ratio(r)}|${r.model}`);
  return [...by.values()].map((rs) => ({
    ratio: +d.ratio(rs[0]).toFixed(4),
    model: rs[0].model,
    layers: rs[0].depth ?? rs[0].model,
    value: mean(rs.map((r) => r[metric] ?? Number.NaN)),
  }));
}

/** Lee 2025 S1–S4 Figs: IoU, DSC, recall and precision over training data ratio × depth, values in the cells. */
export async function heatmapFigures(d: ReportData): Promise<ReportFigure[]> {
  return Promise.all(
    METRICS.map(([fig, metric, label]) => {
      const values = heatmapCells(d, metric).filter((c) => Number.isFinite(c.value));
      return renderFigure(`lee2025-${fig.toLowerCase()}-${metric}`, `${fig} Fig. ${label} by data ratio and depth`, `Test ${label} of each finished job (mean over folds and repeats), experiment ${d.experiment}.`, {
        data: { values },
        width: 520,
        height: Math.max(120, 40 * new Set(values.map((v) => v.layers)).size),
        encoding: {
          x: { field: 'ratio', type: 'ordinal', title: 'Train data ratio', axis: { format: '.0%' } },
          y: { field: 'layers', type: 'ordinal', title: 'Layers', sort: 'descending' },
        },
        layer: [
          { mark: 'rect', encoding: { color: { field: 'value', type: 'quantitative', title: label, scale: { scheme: 'viridis' } } } },
          { mark: { type: 'text', fontSize: 8, angle: -90 }, encoding: { text: { field: 'value', type: 'quantitative', format: '.2f' }, color: { value: 'white' } } },
        ],
      });
    }),
  );
}
