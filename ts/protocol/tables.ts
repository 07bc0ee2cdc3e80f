/**
 * Column layouts of the Arrow tables a worker returns. Only int32, float64 and utf8 are used:
 * they map to plain JS numbers and strings (no BigInt) and to SQLite INTEGER / REAL / TEXT.
 */
export type ColumnType = 'int32' | 'float64' | 'utf8';
export interface Column {
  name: string;
  type: ColumnType;
  nullable?: boolean;
  description: string;
}

export const TABLES = {
  epochs: [
    { name: 'epoch', type: 'int32', description: '1-based epoch' },
    { name: 'train_loss', type: 'float64', description: 'mean training loss' },
    { name: 'val_loss', type: 'float64', description: 'validation loss' },
    { name: 'val_dice', type: 'float64', description: 'validation per-image mean DSC' },
    { name: 'seconds', type: 'float64', description: 'wall time of the epoch' },
  ],
  metrics: [
    { name: 'dice', type: 'float64', description: 'test per-image mean DSC' },
    { name: 'iou', type: 'float64', description: 'test per-image mean IoU' },
    { name: 'recall', type: 'float64', description: 'test per-image mean recall (sensitivity)', nullable: true },
    { name: 'precision', type: 'float64', description: 'test per-image mean precision', nullable: true },
    { name: 'bce', type: 'float64', description: 'test binary cross-entropy over all pixels' },
    { name: 'global_dice', type: 'float64', description: "the LV paper's DICE: 2·Σ(y·round(ŷ)) / (Σy + Σround(ŷ)) over all test pixels" },
    { name: 'n_train', type: 'int32', description: 'training images used' },
    { name: 'n_val', type: 'int32', description: 'validation images' },
    { name: 'n_test', type: 'int32', description: 'test images' },
    { name: 'epochs_run', type: 'int32', description: 'epochs trained (fewer than the maximum after early stopping)' },
    { name: 'best_epoch', type: 'int32', description: 'epoch with the lowest validation loss' },
    // Costs are null where they were not measured (a result recorded by plateau record without them,
    // a bundle's FLOPs): never 0, which every view would show as a cost.
    { name: 'train_seconds', type: 'float64', nullable: true, description: 'training wall time; null where not measured' },
    { name: 'params', type: 'int32', nullable: true, description: 'trainable parameters; null where not measured' },
    { name: 'flops', type: 'float64', nullable: true, description: 'forward-pass FLOPs for one input (FlopCounterMode); null where not measured' },
    { name: 'throughput', type: 'float64', nullable: true, description: 'inference images (volumes) per second after warm-up; null where not measured' },
    { name: 'device', type: 'utf8', description: 'torch device the job ran on' },
  ],
  cases: [
    { name: 'case_id', type: 'utf8', description: 'case id in the data set' },
    { name: 'patient', type: 'utf8', description: 'patient id (the split groups by it)' },
    { name: 'dice', type: 'float64', description: 'DSC of this test case' },
    { name: 'iou', type: 'float64', description: 'IoU of this test case' },
    { name: 'recall', type: 'float64', nullable: true, description: 'undefined (null) when the case has no foreground' },
    { name: 'precision', type: 'float64', nullable: true, description: 'undefined (null) when nothing is predicted' },
    { name: 'foreground', type: 'float64', description: 'foreground pixels (voxels) in the ground truth' },
  ],
  classes: [
    { name: 'class', type: 'utf8', description: "label channel: a name of dataset.classes, or 'foreground'" },
    { name: 'dice', type: 'float64', description: 'test per-image mean DSC of this class' },
    { name: 'iou', type: 'float64', description: 'test per-image mean IoU of this class' },
    { name: 'global_dice', type: 'float64', description: 'DICE of this class over all test pixels' },
  ],
} as const satisfies Record<string, readonly Column[]>;

export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];
