import { UserError } from '../errors';
import { checkPython, pythonPath } from './python';

/**
 * One short synchronous-style call into `plateau.bridge` in-process through pythonia (the same
 * Python code the worker uses): JSON in, JSON out. `{error}` answers become a UserError (exit 2).
 */
export async function callBridge<T>(fn: 'check_dataset' | 'check_targets' | 'check_run' | 'model_costs', arg: unknown, what: string): Promise<T> {
  // pythonia starts its Python when first imported, reading PYTHON_BIN: set it before the import.
  // A missing Python (or one without the packages) is one sentence and exit 3, not a spawn error.
  await checkPython(pythonPath());
  process.env.PYTHON_BIN = pythonPath();
  const { python } = await import('pythonia');
  try {
    const bridge = await python('plateau.bridge');
    const out = JSON.parse(await bridge[fn](JSON.stringify(arg))) as T & { error?: string };
    if (out.error) throw new UserError(`${what}: ${out.error}`);
    return out;
  } finally {
    python.exit();
  }
}
