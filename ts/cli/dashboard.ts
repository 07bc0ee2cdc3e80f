import type { Command } from 'commander';
import { UserError } from '../errors';
import { defaultDbPath } from '../store/db';
import { DEFAULT_METHOD, METHODS, type Method } from '../surrogate/methods';
import { type View, VIEWS } from '../tui/viewNames';
import { oneOf, targetDice } from './options';
import { chooseExperiment, keepFits, openExisting } from './status';

function view(raw: string, all: View[]): View[] {
  if (!(VIEWS as readonly string[]).includes(raw)) throw new UserError(`--view: unknown '${raw}' (one of ${VIEWS.join(', ')})`);
  return [...all, raw as View];
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('watch a store from any terminal while a run writes it (read-only); q quits')
    .option('--db <file>', 'SQLite store', defaultDbPath())
    .option('--experiment <name>', 'experiment to show (default: the most recently run)')
    .option('--method <m>', `surrogate for the answer (overview) and the curves view: ${METHODS.join(' | ')}`, oneOf<Method>('--method', METHODS), DEFAULT_METHOD)
    .option('--target-dice <d>', 'the answer also gives the n to reach this Dice', targetDice)
    .option('--view <name>', `not a terminal: the views to print (repeatable; default overview and grid): ${VIEWS.join(', ')}`, view, [] as View[])
    .action(async (o) => {
      // Ink, React and the engine load here, not when the CLI starts (issue 13)
      const [{ render, renderToString }, { createElement }, { experimentStats }, { Dashboard, DashboardView, initialViewState }, { dashboardAnswer }, { fullTrainingSizes, readSnapshot }, { LIVE }] = await Promise.all([
        import('ink'), import('react'), import('../report/stats'), import('../tui/Dashboard'), import('../tui/forecasts'), import('../tui/snapshot'), import('../tui/live'),
      ]);
      keepFits();
      const db = openExisting(o.db);
      let experiment: string;
      try {
        experiment = chooseExperiment(db, o.db, o.experiment, 'latest');
      } catch (e) {
        db.close();
        throw e;
      }
      if (!process.stdout.isTTY) {
        // Not a terminal: each asked-for view once, as plain text.
        try {
          const views: View[] = o.view.length ? o.view : ['overview', 'grid'];
          const first = readSnapshot(db, experiment);
          const snap = views.includes('job') && first.cells[0] ? readSnapshot(db, experiment, first.cells[0].key) : first;
          const answer = views.includes('curves') || views.includes('overview') ? await dashboardAnswer(snap.results, fullTrainingSizes(snap), o.method, { targetDice: o.targetDice }) : null;
          const stats = views.includes('stats') ? await experimentStats(snap.results) : null;
          // no terminal, no width to fit: the overview is as wide as its longest answer line, so the
          // answer is printed whole (its target range and the families left out are at the ends)
          const widest = Math.max(100, ...(answer?.lines ?? []).map((l) => l.length + 1));
          for (const v of views) {
            const width = v === 'overview' ? widest : 100;
            const height = v === 'overview' ? Math.max(30, (answer?.lines.length ?? 0) + 20) : 30;
            const frame = renderToString(createElement(DashboardView, { snap, colour: false, state: { ...initialViewState, view: v }, answer, stats, width, height, printed: true }), { columns: width });
            // Ink pads each line to the frame's width; a file or a pipe gets the text alone
            console.log(frame.split('\n').map((l) => l.trimEnd()).join('\n').trimEnd());
          }
        } finally {
          db.close();
        }
        return;
      }
      db.close();
      const app = render(createElement(Dashboard, { dbFile: o.db, experiment, method: o.method, targetDice: o.targetDice }), LIVE);
      await app.waitUntilExit();
    });
}
