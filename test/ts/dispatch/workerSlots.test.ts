import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startWorkers } from '../../../ts/dispatch/workers';
import { PYTHON } from '../helpers';

// Local workers hold slots 0..count-1; a worker trains on GPU slot mod GPUs (plateau/worker.py,
// test/py/test_worker_device.py), so the slots are what spreads workers over GPUs.
const slotOf = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((v) => v.startsWith('PLATEAU_WORKER_SLOT='))?.split('=')[1];

async function until(what: string, ok: () => boolean, ms = 30_000) {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('local worker slots', () => {
  it.skipIf(process.platform !== 'linux')('gives each live worker its own slot, and a replacement the slot its predecessor freed', async () => {
    const exited: string[] = [];
    // no broker listens: the workers only wait (they exit after their timeout, long after the test)
    const pool = startWorkers({ count: 3, endpoint: 'tcp://127.0.0.1:9', python: PYTHON, timeoutS: 120, exited: (id) => void exited.push(id), wanted: () => true });
    try {
      await until('three workers', () => pool.pids().length === 3);
      const slots = () => new Map(pool.ids().map((id) => [id, slotOf(pool.pid(id)!)]));
      expect([...slots().values()].sort()).toEqual(['0', '1', '2']);
      const [victim] = [...slots().entries()].find(([, s]) => s === '1')!;
      pool.kill(victim);
      await until('the replacement', () => exited.includes(victim) && pool.pids().length === 3);
      const after = slots();
      expect(after.has(victim)).toBe(false);
      expect([...after.values()].sort()).toEqual(['0', '1', '2']);
    } finally {
      await pool.close();
    }
  });
});
