import { Command, CommanderError } from 'commander';
import { registerDashboard } from './cli/dashboard';
import { registerData } from './cli/data';
import { registerForecast } from './cli/forecast';
import { registerReport } from './cli/report';
import { registerRun } from './cli/run';
import { registerSchemas } from './cli/schemas';
import { registerStats } from './cli/stats';
import { registerStatus } from './cli/status';
import { UserError } from './errors';

/** `plateau`: one CLI for the control plane. Each command lives in ts/cli/<command>.ts. */
export function program(): Command {
  const p = new Command('plateau')
    .description('How much labelled data is enough? Train segmentation grids on nested fractions, store, forecast.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerRun(p);
  registerStatus(p);
  registerDashboard(p);
  registerData(p);
  registerSchemas(p);
  registerForecast(p);
  registerReport(p);
  registerStats(p);
  return p;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not errors; usage mistakes are bad input (2).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UserError) {
      console.error(`plateau: ${e.message}`);
      return e.code;
    }
    console.error(e);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
