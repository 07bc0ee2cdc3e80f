import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors';

const REQUIRED = ['plateau', 'torch', 'monai', 'zmq', 'pyarrow', 'jsonschema'];

/** The Python that runs workers: $PLATEAU_PYTHON, else the repo's .venv, else python3 on PATH. */
export function pythonPath(): string {
  if (process.env.PLATEAU_PYTHON) return process.env.PLATEAU_PYTHON;
  const venv = join(process.env.PLATEAU_ROOT ?? process.cwd(), '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/** Fails with one sentence saying what to do when Python or one of its packages is missing. */
export async function checkPython(python = pythonPath()): Promise<void> {
  const probe = `import importlib.util, sys\nmissing = [m for m in ${JSON.stringify(REQUIRED)} if importlib.util.find_spec(m) is None]\nprint(",".join(missing))`;
  let out;
  try {
    out = await execa(python, ['-c', probe], { reject: false, timeout: 60_000 });
  } catch {
    out = undefined;
  }
  // execa reports a program that cannot be spawned with no exit code (ENOENT, EACCES).
  if (!out || out.exitCode === undefined) {
    throw new UserError(
      `No Python found at '${python}': run 'npm run setup' (it creates .venv with torch and MONAI) or set PLATEAU_PYTHON to a Python that has them.`,
      3,
    );
  }
  if (out.exitCode !== 0) {
    throw new UserError(`Python at '${python}' does not start (${String(out.stderr).trim().split('\n').pop()}): run 'npm run setup' or set PLATEAU_PYTHON.`, 3);
  }
  const missing = String(out.stdout).trim();
  if (missing) {
    throw new UserError(
      `Python at '${python}' lacks ${missing.split(',').map((m) => `'${m}'`).join(', ')}: run 'npm run setup' (or 'pip install -e .' in that environment).`,
      3,
    );
  }
}
