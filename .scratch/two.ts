// Can a 2-size pilot be answered by the analogues alone? MAE at the largest n and the spread's calibration.
import { analogue } from '../ts/surrogate/analogue';
import { corpus, leaveOwnDataSetOut } from '../bench/lib/corpus';
import { pilotPart } from '../bench/lib/evaluate';
leaveOwnDataSetOut();
for (const half of ['held-out', 'calibrate'] as const) {
  const cs = corpus('dev', 4000, 1, half);
  for (const points of [2, 3]) {
    const rows: { e: number; last: number; sp: number; h: number }[] = [];
    for (const c of cs) {
      const p = pilotPart(c, 0.25, points);
      const obs = { ...p, n: p.n.slice(0, -1), dice: p.dice.slice(0, -1), sd: undefined, count: undefined };
      if (obs.n.length !== points) continue;
      const N = c.n[c.n.length - 1];
      const truth = c.dice[c.dice.length - 1];
      const yl = obs.dice[obs.dice.length - 1];
      const an = analogue(obs, 2 * N);
      if (!an) continue;
      const f = Math.min(1, yl + an.gain(N));
      rows.push({ e: f - truth, last: yl - truth, sp: an.spread(N), h: Math.log(N / obs.n[obs.n.length - 1]) });
    }
    const mae = (xs: number[]) => xs.reduce((s, v) => s + Math.abs(v), 0) / xs.length;
    const med = (xs: number[]) => { const a = xs.map(Math.abs).sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; };
    const r = rows.map((x) => Math.abs(x.e) / (0.005 + x.sp));
    r.sort((a, b) => a - b);
    console.log(half, points, 'curves', rows.length, 'MAE', mae(rows.map((x) => x.e)).toFixed(4), 'median', med(rows.map((x) => x.e)).toFixed(4), 'last', mae(rows.map((x) => x.last)).toFixed(4), 'q95 of |e|/(0.005+spread)', r[Math.floor(0.95 * r.length)].toFixed(2));
  }
}
