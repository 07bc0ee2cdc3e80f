import type { ReportData } from '../data';
import { type ReportFigure, renderFigure } from '../figure';

/** Lee 2025 Fig 8: the histogram of training times (hours), stacked by train data ratio. */
export async function trainingTimeFigure(d: ReportData): Promise<ReportFigure> {
  const values = d.rows.map((r) => ({ hours: r.seconds / 3600, ratio: d.ratio(r), model: r.model }));
  return renderFigure('lee2025-fig8-training-time', 'Fig 8. Training time', `Training wall time of each of the ${values.length} finished jobs, coloured by train data ratio, experiment ${d.experiment}.`, {
    data: { values },
    width: 520,
    height: 280,
    mark: 'bar',
    encoding: {
      x: { field: 'hours', type: 'quantitative', bin: { maxbins: 20 }, title: 'Training time (hours)' },
      y: { aggregate: 'count', type: 'quantitative', title: 'Models' },
      color: { field: 'ratio', type: 'quantitative', title: 'Train data ratio', scale: { scheme: 'viridis' } },
    },
  });
}
