// The default's error at 10% on the curves with exactly 2 sizes below the cut (answered since the engine takes 2).
import { observedPart } from '../ts/surrogate/curve';
import { corpus, leaveOwnDataSetOut } from '../bench/lib/corpus';
import { scoreMethod, summarise } from '../bench/lib/evaluate';
leaveOwnDataSetOut();
for (const [w, half] of [['dev', 'held-out'], ['check', undefined]] as const) {
  const cs = corpus(w, 6000, 1, half as never).filter((c) => observedPart(c, 0.1).n.length === 2);
  const s = summarise(await scoreMethod(cs, 'ensemble', 0.1));
  console.log(w, half ?? '', s.curves, 'MAE', s.mae.toFixed(4), 'median', s.median.toFixed(4), 'cover', s.coverage95.toFixed(3));
}
