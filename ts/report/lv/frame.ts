import type { ResultRow } from '../../store/results';

/** The LV paper's short names and its two factors: the family and the long / short version. */
const NETS: Record<string, { short: string; Family: string; ls: 'long' | 'short' }> = {
  'unet-vgg16': { short: 'V16', Family: 'VGG', ls: 'short' },
  'unet-vgg19': { short: 'V19', Family: 'VGG', ls: 'long' },
  'unet-resnet18': { short: 'R18', Family: 'ResNet', ls: 'short' },
  'unet-resnet50': { short: 'R50', Family: 'ResNet', ls: 'long' },
  'unet-efficientnet-b0': { short: 'B0', Family: 'EfficientNet', ls: 'short' },
  'unet-efficientnet-b5': { short: 'B5', Family: 'EfficientNet', ls: 'long' },
};

export interface LvRecord {
  DICE: number;
  BCE: number;
  Dataset: number;
  lr: number;
  reg: number;
  Family: string;
  /** long / short for the paper's networks; null for other families. */
  ls: string | null;
  net: string;
  model: string;
}

/**
 * The paper's variables from stored runs: DICE is the pooled (global) Dice, Dataset the subset
 * size. The paper's six networks get its short names and long/short factor; any other run keeps
 * its own family and model name, so that the report works on every store.
 */
export function lvRecords(rows: ResultRow[]): LvRecord[] {
  return rows.map((r) => {
    const n = NETS[r.family] ?? NETS[r.model];
    const base = { DICE: r.global_dice ?? r.dice, BCE: r.bce, Dataset: r.count ?? r.n_train, lr: r.lr, reg: r.weight_decay, model: r.model };
    return n ? { ...base, Family: n.Family, ls: n.ls, net: n.short } : { ...base, Family: r.family, ls: null, net: r.model };
  });
}

export const LV_FORMULA = 'DICE ~ ls + ls:Family + np.log(Dataset) + np.log(lr):ls:Family + np.log(reg)';
export const NET_ORDER = ['B0', 'B5', 'R18', 'R50', 'V16', 'V19'];

/** The networks in the paper's order, then any others by name. */
export const netOrder = (recs: LvRecord[]) => {
  const nets = new Set(recs.map((r) => r.net));
  return [...NET_ORDER.filter((n) => nets.has(n)), ...[...nets].filter((n) => !NET_ORDER.includes(n)).sort()];
};

/**
 * The paper's formula, cut to what the runs can estimate: the network factor is ls + ls:Family
 * on the paper's networks, Family for other families, the model when there is one family, and
 * absent with one model; a learning rate or L2 weight that does not vary (or is not positive, so
 * has no logarithm) leaves its term out. The data set size must vary: it is the paper's question.
 */
export function lvFormula(recs: LvRecord[], where: string): string {
  const distinct = <T>(f: (r: LvRecord) => T) => new Set(recs.map(f)).size;
  if (distinct((r) => r.Dataset) < 2) throw new Error(`${where}: the runs have ${distinct((r) => r.Dataset)} data set size; the model needs at least two`);
  const paper = recs.every((r) => r.ls !== null);
  const group = paper && distinct((r) => r.ls) > 1
    ? distinct((r) => r.Family) > 1 ? ['ls', 'ls:Family'] : ['ls']
    : distinct((r) => r.Family) > 1 ? ['Family'] : distinct((r) => r.model) > 1 ? ['model'] : [];
  const by = group.at(-1);
  const varies = (f: (r: LvRecord) => number) => distinct(f) > 1 && recs.every((r) => f(r) > 0);
  const terms = [...group, 'np.log(Dataset)'];
  if (varies((r) => r.lr)) terms.push(by ? `np.log(lr):${by}` : 'np.log(lr)');
  if (varies((r) => r.reg)) terms.push('np.log(reg)');
  return `DICE ~ ${terms.join(' + ')}`;
}
