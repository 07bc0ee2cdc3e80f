import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openDb } from '../../../ts/store/db';
import { ROOT, cli, tinySpec, tmp } from '../helpers';

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The real `plateau dashboard` in a tmux pane while a tiny run writes the store; tmux missing fails loudly. */
describe('plateau dashboard in tmux', () => {
  it('follows a live run until it finishes and switches views on keys', async () => {
    expect(() => tmux('-V'), 'tmux is missing: apt-get install -y tmux').not.toThrow();
    const dir = tmp();
    const file = join(dir, 'tiny.yaml');
    const db = join(dir, 'p.db');
    writeFileSync(file, stringify({ ...tinySpec(), fractions: [0.25, 0.5, 0.75, 1] }));
    const run = cli(['run', file, '--db', db, '--workers', '1']);
    // wait until the run has registered its grid
    for (let i = 0; i < 600; i++) {
      if (existsSync(db)) {
        const d = openDb(db, { readonly: true });
        const ok = d.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'jobs'`).get() && d.prepare(`SELECT COUNT(*) AS n FROM jobs`).get();
        d.close();
        if (ok && (ok as { n: number }).n > 0) break;
      }
      await sleep(100);
    }
    const session = `plateau-test-${process.pid}`;
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `cd ${ROOT} && NO_COLOR=1 bin/plateau dashboard --db ${db}; echo dashboard-exited-$?; sleep 30`);
    const screen = () => tmux('capture-pane', '-p', '-t', session);
    try {
      const frames: string[] = [];
      let last = '';
      // the run's end is the header's '· finished' (a note naming a model with no finished run yet is not it)
      for (let i = 0; i < 1200 && !last.includes('· finished'); i++) {
        await sleep(250);
        last = screen();
        if (frames.at(-1) !== last) frames.push(last);
      }
      const r = await run;
      expect(r.exitCode, r.stderr).toBe(0);
      expect(last).toContain('8/8 done');
      expect(last).toContain('finished');
      // the screen changed while the run wrote: some earlier frame showed fewer jobs done
      expect(frames.some((f) => /[0-7]\/8 done/.test(f))).toBe(true);
      for (const l of last.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
      tmux('send-keys', '-t', session, '2');
      for (let i = 0; i < 40 && !screen().includes('metric: [DSC]'); i++) await sleep(100);
      expect(screen()).toMatch(/100%\s+0\.\d{3}\s+0\.\d{3}/);
      tmux('send-keys', '-t', session, 'q');
      for (let i = 0; i < 40 && !screen().includes('dashboard-exited'); i++) await sleep(100);
      expect(screen()).toContain('dashboard-exited-0');
    } finally {
      try {
        tmux('kill-session', '-t', session);
      } catch {
        /* already gone after q */
      }
      run.kill();
    }
  }, 300_000);

  it('`plateau run` in a terminal: the live dashboard, then the answer printed once, in full', async () => {
    const dir = tmp();
    const file = join(dir, 'tiny.yaml');
    const db = join(dir, 'p.db');
    writeFileSync(file, stringify({ ...tinySpec(), fractions: [0.25, 0.5, 0.75, 1] }));
    const session = `plateau-run-${process.pid}`;
    tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '40', `cd ${ROOT} && NO_COLOR=1 bin/plateau run ${file} --db ${db} --workers 1; echo run-exited-$?; sleep 60`);
    const all = () => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', session);
    try {
      let screen = '';
      let live = false;
      for (let i = 0; i < 1200 && !screen.includes('run-exited'); i++) {
        await sleep(250);
        screen = all();
        live ||= /\d\/8 done/.test(screen) && screen.includes('tab/');
      }
      expect(screen).toContain('run-exited-0');
      expect(live, 'the dashboard was drawn while the run trained').toBe(true);
      // what status prints for this store: the block the run printed, line for line, each once
      const status = cli(['status', '--db', db]);
      const block = (await status).stdout.split('\n').filter((l) => l.trim() && !l.startsWith('Answer for'));
      const model = block.find((l) => /resunet|unet/.test(l) && /\d\.\d{3}/.test(l));
      expect(model, (await status).stdout).toBeDefined();
      const count = (needle: string) => screen.split('\n').filter((l) => l.includes(needle)).length;
      expect(count("Answer for 'tiny'"), screen).toBe(1);
      // the first 60 characters of an answer line: a copy cut to the width would match them too
      expect(count(model!.slice(0, 60)), screen).toBe(1);
      expect(screen.indexOf('finished')).toBeLessThan(screen.indexOf("Answer for 'tiny'"));
    } finally {
      tmux('kill-session', '-t', session);
    }
  }, 300_000);
});
