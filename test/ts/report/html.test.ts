import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { buildReport, writeReport } from '../../../ts/report/report';
import { tmp } from '../helpers';
import { seededStore } from '../tui/seed';

/** Debian's chromium; a missing browser fails the test (CI must install it), it is never skipped. */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--enable-logging=stderr', '--v=0', '--allow-file-access-from-files'];

describe('HTML report in headless Chromium', () => {
  it('opens without console errors, shows every table and figure, and takes a screenshot', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
    const { db, exp } = seededStore();
    // the figures need no LSTM: Fig 5/7 with a parametric surrogate; Tables 2–3 are tested elsewhere
    const report = await buildReport(db, exp.name, 'lee2025', { surrogate: 'pow3', lstmEpochs: 2 });
    const out = tmp();
    writeReport(report, out, ['html']);
    const page = `file://${join(out, 'report.html')}`;
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // self-contained
    const dom = await execa(CHROMIUM, [...flags, '--dump-dom', page], { reject: false, timeout: 60_000 });
    expect(dom.exitCode).toBe(0);
    expect(dom.stderr).not.toMatch(/CONSOLE\(\d+\)|Uncaught|ERR_FILE_NOT_FOUND/);
    expect((dom.stdout.match(/<svg/g) ?? []).length).toBe(report.figures.length);
    expect((dom.stdout.match(/<table>/g) ?? []).length).toBe(report.tables.length);
    const png = join(out, 'report.png');
    const shot = await execa(CHROMIUM, [...flags, `--screenshot=${png}`, '--window-size=1200,3000', '--hide-scrollbars', page], { reject: false, timeout: 60_000 });
    expect(shot.exitCode).toBe(0);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(20_000);
  }, 120_000);
});
