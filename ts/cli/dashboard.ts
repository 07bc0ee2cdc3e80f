import type { Command } from 'commander';
import { render } from 'ink';
import { createElement } from 'react';
import { UserError } from '../errors';
import { defaultDbPath } from '../store/db';
import { experimentNames } from '../store/jobs';
import { DashboardView } from '../tui/Dashboard';
import { Dashboard } from '../tui/Dashboard';
import { readSnapshot } from '../tui/snapshot';
import { openExisting } from './status';
import { renderToString } from 'ink';

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('watch a store from any terminal while a run writes it (read-only); q quits')
    .option('--db <file>', 'SQLite store', defaultDbPath())
    .option('--experiment <name>', 'experiment to show (default: the most recently run)')
    .action(async (o) => {
      const db = openExisting(o.db);
      const names = experimentNames(db);
      const experiment = o.experiment ?? names[0];
      if (!experiment || !names.includes(experiment)) {
        db.close();
        throw new UserError(`${o.db}: no experiment '${experiment ?? ''}' (stored: ${names.join(', ') || 'none'})`);
      }
      if (!process.stdout.isTTY) {
        // Not a terminal: one frame as plain text.
        console.log(renderToString(createElement(DashboardView, { snap: readSnapshot(db, experiment), colour: false })));
        db.close();
        return;
      }
      db.close();
      const app = render(createElement(Dashboard, { dbFile: o.db, experiment }));
      await app.waitUntilExit();
    });
}
