import { groupBy } from '../../group';
import { meanKnown } from '../../cli/format';
import type { ReportData } from '../data';
import type { ReportTable } from '../table';

/** Lee 2025 Table 1: parameters, FLOPs and inference throughput by depth, as the trainer measured them per job. */
export function costTable(d: ReportData): ReportTable {
  const by = groupBy(d.rows, (r) => r.model);
  return {
    id: 'lee2025-table1',
    title: 'Table 1. Model complexity by depth',
    caption: `Trainable parameters, forward-pass FLOPs for one input and inference throughput per model, each the mean over that model's finished jobs (counted in the last column), experiment ${d.experiment}.`,
    header: ['Model', 'Layers', 'Parameters', 'GFLOPs', 'Throughput (img/s)', 'Mean training time (s)', 'Jobs'],
    rows: [...by.entries()].map(([model, rs]) => {
      const num = (k: 'params' | 'flops' | 'throughput' | 'seconds') => meanKnown(rs.map((r) => r[k]));
      const flops = num('flops');
      return [model, rs[0].depth, num('params'), flops === null ? null : flops / 1e9, num('throughput'), num('seconds'), rs.length];
    }),
    digits: [null, null, 0, 4, 1, 1, 0],
  };
}
