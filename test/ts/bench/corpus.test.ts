import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ANALOGUES_FILE, analogue, leaveSourceOut } from '../../../ts/surrogate/analogue';
import type { Curve } from '../../../ts/surrogate/curve';
import { type CorpusCurve, dataSetId, grids, leaveOwnDataSetOut } from '../../../bench/lib/corpus';

describe("the benchmarks' corpus curves", () => {
  afterEach(() => leaveSourceOut(null));

  it('name their data set first; a store\'s model names have none', () => {
    expect(dataSetId('24/sklearn.svm.SVC/f1')).toBe(24);
    expect(dataSetId('1485/sklearn.tree.DecisionTreeClassifier/accuracy')).toBe(1485);
    expect(dataSetId('resunet-d3')).toBeNull();
    expect(dataSetId('unet/3')).toBeNull();
  });

  it('are never matched against cuts of their own data set once a benchmark leaves it out, under any metric', () => {
    const first = (JSON.parse(readFileSync(ANALOGUES_FILE, 'utf8')) as { curves: { id: number; n: number[]; y: number[] }[] }).curves[0];
    // the accuracy curve of a learner whose F1 curve is in the library looks much like it
    const own: Curve = { model: `${first.id}/some.Learner/accuracy`, depth: null, n: first.n.slice(0, 8), dice: first.y.slice(0, 8).map((v) => v / 1e4) };
    expect(analogue(own, 4 * own.n.at(-1)!)!.sources).toContain(first.id);
    leaveOwnDataSetOut();
    const out = analogue(own, 4 * own.n.at(-1)!)!;
    expect(out.sources).not.toContain(first.id);
    expect(out.neighbours).toBe(20);
  });

  it('make grids of the learners of one data set and metric that end at one largest n, 3 or more', () => {
    const n8 = [16, 23, 32, 45, 64, 91, 128, 181];
    const c = (openmlid: number, learner: string, metric: CorpusCurve['metric'], n = n8): CorpusCurve => ({ model: `${openmlid}/${learner}/${metric}`, depth: null, n, dice: n.map(() => 0.5), openmlid, learner, metric });
    const gs = grids([
      c(3, 'a', 'f1'), c(3, 'b', 'f1'), c(3, 'c', 'f1'),
      // another metric, another largest n, too few sizes: each in no grid of three
      c(3, 'd', 'auc'), c(3, 'e', 'f1', [...n8, 256]), c(3, 'f', 'f1', n8.slice(0, 7)),
      c(5, 'a', 'f1'), c(5, 'b', 'f1'),
    ]);
    expect(gs.map((g) => g.map((x) => x.model))).toEqual([['3/a/f1', '3/b/f1', '3/c/f1']]);
  });
});
