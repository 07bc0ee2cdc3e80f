import type { ReportData } from '../data';
import { type ReportFigure, renderFigure } from '../figure';

/** Lee 2025 Fig 8: the histogram of training times (hours), stacked by train data ratio. */
export async function trainingTimeFigure(d: ReportData): Promise<ReportFigure> {
  // a job whose time was not measured (recorded without one) is left out, not drawn at 0 hours
  const values = d.rows.flatMap((r) => (r.seconds === null ? [] : [{ hours: r.seconds / 3600, ratio: d.ratio(r), model: r.model }]));
  return renderFigure('lee2025-fig8-training-time', 'Fig 8. Training time', `Training wall time of each of the ${values.length} finished jobs with a measured time, coloured by train data ratio, experiment ${d.experiment}.`, {
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
