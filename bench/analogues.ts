/**
 * Writes `ts/surrogate/analogues.json`: the learning curves the analogue forecast matches a new
 * curve against (`ts/surrogate/analogue.ts`). They are LCDB 1.0's F1 and AUC curves of data sets
 * with an even OpenML id, the same half `bench/calibrate.ts` calibrates on; the odd ids (held out
 * for reliability) and the accuracy database (the independent check) are never written here.
 * Each curve keeps its data set's OpenML id, so calibration can leave a curve's own data set out.
 * Scores are stored as integers in units of 1e-4 to keep the file small (about 0.3 MB).
 *
 *   bash scripts/node.sh --import tsx bench/analogues.ts
 */
import { writeFileSync } from 'node:fs';
import { ANALOGUES_FILE } from '../ts/surrogate/analogue';
import { loadCorpus } from './lib/corpus';

const curves = (['f1', 'auc'] as const).flatMap((m) => loadCorpus(m)).filter((c) => c.openmlid % 2 === 0 && c.n.length >= 8);
const out = {
  source: `LCDB 1.0 (lcdb sdist on PyPI), F1 + AUC databases, data sets with an even OpenML id, curves with ≥ 8 sizes: ${curves.length} curves (mean score over seeds); written by bench/analogues.ts`,
  curves: curves.map((c) => ({ id: c.openmlid, n: c.n, y: c.dice.map((v) => Math.round(v * 1e4)) })),
};
writeFileSync(ANALOGUES_FILE, `${JSON.stringify(out)}\n`);
console.log(`wrote ${ANALOGUES_FILE}: ${curves.length} curves`);
