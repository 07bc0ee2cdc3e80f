/**
 * The long fault campaign of issues 12 and 17: campaigns of bench/lib/chaos.ts (the real CLI on a small
 * grid; seeded worker SIGKILLs mid-job, control-plane SIGKILLs with restarts, SIGINT/SIGTERM/SIGHUP
 * stops) one after another on fresh stores until the kill targets are met, then the totals: trainings,
 * lost, duplicated, and every problem seen (an orphan worker, a wrong exit code, status not right at once).
 *
 *   bash scripts/node.sh --import tsx bench/chaos.ts [--worker-kills 100] [--plane-kills 20] [--seed 1]
 *
 * The defaults take about an hour on two cores (the pool replaces at most workers × 3 workers a
 * minute, so kills are paced); pass small numbers for a quick look.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { campaign, type CampaignReport } from './lib/chaos';

const { values } = parseArgs({
  options: {
    'worker-kills': { type: 'string', default: '100' },
    'plane-kills': { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '12' },
    workers: { type: 'string', default: '2' },
  },
});
const want = { worker: Number(values['worker-kills']), plane: Number(values['plane-kills']) };
const workers = Number(values.workers);
const total: CampaignReport = { jobs: 0, done: 0, trainings: 0, duplicated: 0, lost: 0, integrity: 'ok', workerKills: 0, planeKills: 0, stops: 0, problems: [], runs: 0, seconds: 0 };
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

for (let i = 0; total.workerKills < want.worker || total.planeKills < want.plane; i++) {
  const r = await campaign({
    dir: mkdtempSync(join(tmpdir(), 'plateau-chaos-')),
    seed: Number(values.seed) + i,
    jobs: Number(values.jobs),
    epochs: 8,
    workers,
    workerKills: Math.min(8, want.worker - total.workerKills),
    planeKills: Math.min(3, Math.max(0, want.plane - total.planeKills)),
    signals: [signals[i % 3]],
    workerTimeoutS: 3,
    killGapMs: 60_000 / (workers * 3),
    say: (line) => console.log(`  campaign ${i + 1}: ${line}`),
  });
  for (const k of ['jobs', 'done', 'trainings', 'duplicated', 'lost', 'workerKills', 'planeKills', 'stops', 'runs', 'seconds'] as const) total[k] += r[k];
  if (r.integrity !== 'ok') total.integrity = r.integrity;
  total.problems.push(...r.problems.map((p) => `campaign ${i + 1}: ${p}`));
  console.log(`campaign ${i + 1}: ${r.jobs} jobs, ${r.trainings} trainings, ${r.duplicated} duplicated, ${r.lost} lost, integrity ${r.integrity}; ${r.workerKills} worker kills, ${r.planeKills} control-plane kills, ${r.stops} stops in ${r.runs} runs, ${r.seconds.toFixed(0)} s`);
}
console.log(`\ntotal: ${total.jobs} jobs, ${total.trainings} trainings, ${total.lost} lost, ${total.duplicated} duplicated, integrity ${total.integrity}`);
console.log(`faults: ${total.workerKills} worker SIGKILLs, ${total.planeKills} control-plane SIGKILLs, ${total.stops} signal stops, ${total.runs} runs, ${total.seconds.toFixed(0)} s`);
console.log(total.problems.length ? `problems:\n${total.problems.map((p) => `  ${p}`).join('\n')}` : 'problems: none');
process.exitCode = total.problems.length || total.lost || total.duplicated || total.integrity !== 'ok' ? 1 : 0;
