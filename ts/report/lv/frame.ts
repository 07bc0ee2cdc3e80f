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
  ls: string;
  net: string;
  model: string;
}

/** The paper's variables from stored runs: DICE is the pooled (global) Dice, Dataset the subset size. */
export function lvRecords(rows: ResultRow[]): LvRecord[] {
  return rows
    .filter((r) => NETS[r.family] || NETS[r.model])
    .map((r) => {
      const n = NETS[r.family] ?? NETS[r.model];
      return { DICE: r.global_dice ?? r.dice, BCE: r.bce, Dataset: r.count ?? r.n_train, lr: r.lr, reg: r.weight_decay, Family: n.Family, ls: n.ls, net: n.short, model: r.model };
    });
}

export const LV_FORMULA = 'DICE ~ ls + ls:Family + np.log(Dataset) + np.log(lr):ls:Family + np.log(reg)';
export const NET_ORDER = ['B0', 'B5', 'R18', 'R50', 'V16', 'V19'];
