import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { decodeTable } from '../../../ts/results/arrow';
import { PYTHON, ROOT } from '../helpers';

/** Builds a table with the Python side's own code and returns its Arrow IPC bytes. */
async function fromPython(name: string, rowsJson: string): Promise<Buffer> {
  const code = `import sys, json\nfrom plateau.tables import build_table, to_ipc\nsys.stdout.buffer.write(to_ipc(build_table(${JSON.stringify(name)}, json.loads(sys.argv[1]))))`;
  const r = await execa(PYTHON, ['-c', code, rowsJson], { encoding: 'buffer', cwd: ROOT });
  return Buffer.from(r.stdout as Uint8Array);
}

describe('Arrow tables across the languages', () => {
  it('decodes what the Python worker writes, column for column', async () => {
    const rows = [
      { epoch: 1, train_loss: 0.7, val_loss: 0.6, val_dice: 0.25, seconds: 1.5 },
      { epoch: 2, train_loss: 0.5, val_loss: 0.45, val_dice: 0.5, seconds: 1.25 },
    ];
    expect(decodeTable('epochs', await fromPython('epochs', JSON.stringify(rows)))).toEqual(rows);
  });

  it('turns a NaN precision into null', async () => {
    const m = {
      dice: 0.5, iou: 0.3, recall: 0.9, precision: null, bce: 0.2, global_dice: 0.45, n_train: 8, n_val: 2, n_test: 4,
      epochs_run: 2, best_epoch: 2, train_seconds: 3, params: 42, flops: 1e12, throughput: 99.5, device: 'cpu',
    };
    expect(decodeTable('metrics', await fromPython('metrics', JSON.stringify([m])))[0]).toEqual(m);
  });

  it('rejects a table that does not match its layout', async () => {
    const bytes = await fromPython('epochs', JSON.stringify([{ epoch: 1, train_loss: 0.7, val_loss: 0.6, val_dice: 0.25, seconds: 1 }]));
    expect(() => decodeTable('metrics', bytes)).toThrow(/lacks column 'dice'/);
    expect(() => decodeTable('nope', bytes)).toThrow(/unknown result table/);
  });
});
