import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type TfBackend = 'wasm' | 'cpu';
let ready: Promise<TfBackend> | null = null;

/**
 * Picks the tfjs backend once per process: wasm (about 4× faster than the plain JS backend on the
 * small LSTMs here) with its .wasm files read from node_modules, else cpu. PLATEAU_TF_BACKEND=cpu
 * forces the fallback. Both give the same numbers to float32 rounding under a seed.
 */
export function tfBackend(): Promise<TfBackend> {
  ready ??= (async () => {
    if (process.env.PLATEAU_TF_BACKEND !== 'cpu') {
      try {
        const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
        setWasmPaths(`${dist}/`);
        if (await tf.setBackend('wasm')) {
          await tf.ready();
          return 'wasm';
        }
      } catch {
        // the wasm files are missing or this runtime cannot instantiate them: fall through to cpu
      }
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return 'cpu';
  })();
  return ready;
}
