import { observedPart } from '../ts/surrogate/curve';
import { corpus } from '../bench/lib/corpus';
for (const [w, half] of [['dev', 'held-out'], ['dev', 'calibrate'], ['check', undefined]] as const) {
  const cs = corpus(w, 6000, 1, half as never);
  const k = (m: number) => cs.filter((c) => observedPart(c, 0.1).n.length >= m).length;
  console.log(w, half, cs.length, '>=3:', k(3), '>=2:', k(2));
}
