import { Command, CommanderError } from 'commander';
import { registerDashboard } from './cli/dashboard';
import { registerData } from './cli/data';
import { registerForecast } from './cli/forecast';
import { registerReport } from './cli/report';
import { registerRecord } from './cli/record';
import { registerRun } from './cli/run';
import { registerSchemas } from './cli/schemas';
import { registerStats } from './cli/stats';
import { registerStatus } from './cli/status';
import { registerWorker } from './cli/worker';
import { registerWorkers } from './cli/workers';
import { describeError, EXIT } from './errors';

/** `plateau`: one CLI for the control plane. Each command lives in ts/cli/<command>.ts. */
export function program(): Command {
  const p = new Command('plateau')
    .description('How much labelled data is enough? Train segmentation grids on nested fractions, store, forecast.')
    .version('0.1.0')
    .exitOverride();
  registerRun(p);
  registerRecord(p);
  registerStatus(p);
  registerDashboard(p);
  registerData(p);
  registerSchemas(p);
  registerForecast(p);
  registerReport(p);
  registerStats(p);
  registerWorker(p);
  registerWorkers(p);
  oneLineUsageErrors(p, 'plateau');
  return p;
}

/**
 * A usage mistake (an unknown option, a missing argument) as one line like every other bad input:
 * "plateau: unknown option '--model' (see plateau forecast --help)", or with commander's suggestion
 * "… (did you mean --curve? see plateau forecast --help)", where commander writes "error: …" and
 * the suggestion on a second line.
 */
function oneLineUsageErrors(c: Command, path: string): void {
  c.configureOutput({
    outputError: (text, write) => {
      const msg = text.trim().replace(/^error: /, '');
      // commander's suggestion comes on a line of its own: "(Did you mean --dry-run?)"
      const hint = /^([\s\S]*?)\s*\n\s*\(Did you mean (.+?)\?\)$/.exec(msg);
      write(hint ? `plateau: ${hint[1]} (did you mean ${hint[2]}? see ${path} --help)\n` : `plateau: ${msg.replace(/\s*\n\s*/g, ' ')} (see ${path} --help)\n`);
    },
  });
  for (const sub of c.commands) oneLineUsageErrors(sub, `${path} ${sub.name()}`);
}

/** Prints an error as one line (`plateau: …`) and gives its exit code; see describeError. */
function report(e: unknown): number {
  const { line, code } = describeError(e);
  console.error(`plateau: ${line}`);
  return code;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not errors; usage mistakes are bad input (2). Commander printed the message.
      return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    return report(e);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Whatever escapes a command (an 'error' event nobody listens to, a rejected promise left behind)
  // still ends as one sentence and an exit code, never a stack trace.
  let fatal = false;
  const last = (e: unknown) => {
    if (fatal) return;
    fatal = true;
    process.exit(report(e));
  };
  process.on('uncaughtException', last);
  process.on('unhandledRejection', last);
  main(process.argv).then((code) => {
    process.exitCode = code;
  }, last);
}
