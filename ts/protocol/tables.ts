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
    { name: 'recall', type: 'float64', description: 'test per-image mean recall (sensitivity)' },
    { name: 'precision', type: 'float64', description: 'test per-image mean precision', nullable: true },
    { name: 'bce', type: 'float64', description: 'test binary cross-entropy over all pixels' },
    { name: 'n_test', type: 'int32', description: 'test images' },
    { name: 'epochs_run', type: 'int32', description: 'epochs trained' },
    { name: 'train_seconds', type: 'float64', description: 'training wall time' },
    { name: 'params', type: 'int32', description: 'trainable parameters' },
  ],
} as const satisfies Record<string, readonly Column[]>;

export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];
