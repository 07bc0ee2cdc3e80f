/**
 * Prints the README's "Reliability: bad input" table: every case of test/ts/cli/badinput.cases.ts run
 * through the real CLI, with the exit code and the one line it printed (its folder written as D).
 * Run: bash scripts/node.sh --import tsx scripts/badinput-table.ts
 */
import { rmSync } from 'node:fs';
import { CASES, generic, runCase } from '../test/ts/cli/badinput.cases';
import { tmp } from '../test/ts/helpers';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const shown = (args: string[], D: string) =>
  generic(args.map((a) => (/[\s{}[\]]/.test(a) ? `'${a}'` : a)).join(' '), D).replace(/'training\.lr=\[[^']{80,}'/, "'training.lr=[0.001,…,0.2]'").replace(/'training\.weight_decay=\[[^']{80,}'/, "'training.weight_decay=[0,…,0.599]'");

console.log('| bad input | command (`D` = its folder) | exit | what plateau prints (stderr, one line) | written |');
console.log('|---|---|---|---|---|');
for (const c of CASES) {
  const D = tmp('plateau-bad-');
  const r = await runCase(c, D);
  const same = JSON.stringify(r.before) === JSON.stringify(r.after);
  console.log(`| ${cell(c.what)} | \`plateau ${cell(shown(r.args, D))}\`${c.env ? ` with ${Object.entries(c.env).map(([k, v]) => `\`${k}=${v}\``).join(' ')}` : ''} | ${r.code} | \`${cell(generic(r.stderr.trim(), D))}\` | ${same ? 'nothing' : 'CHANGED'} |`);
  rmSync(D, { recursive: true, force: true, maxRetries: 2 });
}
