import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDice, defaultExperimentStore, restoreWith } from '../../../bench/lib/defaultStore';
import { cli, tmp } from '../helpers';

// status keeps each curve's fits by what they were computed from (surrogate/fitMemo.ts): after a
// new result only the curve it changed is fitted again, and what is printed is exactly what a
// status with no cache at all prints. A key that missed the points would print the old fit.
describe("the engine's fits kept between status calls", () => {
  it('refits only the changed curve, and prints what a cold fit prints, number for number', async () => {
    const file = join(tmp(), 'store.db');
    const { db, jobs } = defaultExperimentStore(file); // the default experiment's 60 jobs: 3 depths × 20 fractions
    const kept = tmp('plateau-cache-');
    const status = async (cache: string, ...extra: string[]) => {
      const r = await cli(['status', '--db', file, ...extra], { PLATEAU_CACHE: cache });
      expect(r.exitCode, r.stderr).toBe(0);
      return r.stdout;
    };
    const models = (out: string) => JSON.parse(out).experiments[0].answer.models as { model: string; points: number }[];
    const first = await status(kept, '--json');
    const pieces = () => readdirSync(join(kept, 'fits')).filter((f) => f.endsWith('.json'));
    const before = new Set(pieces());
    expect(before.size).toBe(18); // 3 curves × (5 families + 1 analogue match)

    // a retrained job of depth 4 at 50% brings another Dice
    const job = jobs.find((j) => j.model.name === 'resunet-d4' && Math.abs((j.fraction ?? 0) - 0.5) < 1e-9)!;
    restoreWith(db, job, defaultDice(4, 0.5, 1));
    const partial = await status(kept, '--json');
    const cold = await status(tmp('plateau-cache-'), '--json');
    // the same text: JSON writes every double in its shortest exact form, so equal text is equal bits
    expect(partial).toBe(cold);
    const added = pieces().filter((f) => !before.has(f));
    expect(added).toHaveLength(6); // the depth-4 curve's pieces only
    const byName = (out: string, name: string) => models(out).find((m) => m.model === name);
    expect(byName(partial, 'resunet-d4')).not.toEqual(byName(first, 'resunet-d4'));
    expect(byName(partial, 'resunet-d3')).toEqual(byName(first, 'resunet-d3'));
    expect(byName(partial, 'resunet-d5')).toEqual(byName(first, 'resunet-d5'));

    // the printed lines too (read back from the answer the partly kept fit gave)
    expect(await status(kept)).toBe(await status(tmp('plateau-cache-')));
    db.close();
  }, 120_000);
});
