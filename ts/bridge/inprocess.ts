import { UserError } from '../errors';
import { type BridgeAnswer, type BridgeArgument, type BridgeCall, BridgeCalls, BridgeError } from './contract';
import { checkPython, pythonPath } from './python';

/**
 * One short synchronous-style call into `plateau.bridge` in-process through pythonia (the same
 * Python code the worker uses): JSON in, JSON out, both sides held to `contract.ts`
 * (`schemas/bridge.json`). `{error}` answers become a UserError (exit 2); an answer outside the
 * contract is a bug, said as one.
 */
export async function callBridge<F extends BridgeCall>(fn: F, arg: BridgeArgument<F>, what: string): Promise<BridgeAnswer<F>> {
  // pythonia starts its Python when first imported, reading PYTHON_BIN: set it before the import.
  // A missing Python (or one without the packages) is one sentence and exit 3, not a spawn error.
  await checkPython(pythonPath());
  process.env.PYTHON_BIN = pythonPath();
  const { python } = await import('pythonia');
  let raw: unknown;
  try {
    const bridge = await python('plateau.bridge');
    raw = JSON.parse(await bridge[fn](JSON.stringify(arg)));
  } finally {
    python.exit();
  }
  const failed = BridgeError.safeParse(raw);
  if (failed.success) throw new UserError(`${what}: ${failed.data.error}`);
  const answer = BridgeCalls[fn].answer.safeParse(raw);
  if (!answer.success) throw new Error(`plateau.bridge.${fn} answered outside schemas/bridge.json: ${answer.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`);
  return answer.data as BridgeAnswer<F>;
}
