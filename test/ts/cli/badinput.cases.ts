/**
 * Every bad input the CLI is tried with (test/ts/cli/badinput.test.ts runs them; scripts/badinput-table.ts
 * prints them as the README's table): the command line, what the user must see (exit code, one line
 * naming the file or field) and what must not be written.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { execa, execaSync } from 'execa';
import { stringify } from 'yaml';
import { openDb } from '../../../ts/store/db';
import { PYTHON, ROOT, tinySpec } from '../helpers';

export interface BadInput {
  /** What is wrong, as the README's table says it. */
  what: string;
  /** The command line after `plateau`; `D` is the case's own folder. */
  args(D: string): string[];
  /** Files the case needs before it runs. */
  setup?(D: string): void;
  env?: Record<string, string>;
  /** Run as a user other than root (root ignores a read-only folder's permissions). */
  unprivileged?: boolean;
  code: 2 | 3;
  /** What the one line on stderr must name (a path or a field), given D. */
  names(D: string): string;
  /** Whether the case's folder must be left exactly as it was (no store created, none changed). */
  untouched: boolean;
}

const NO_PYTHON = '/nonexistent/python3';
// ZeroMQ's CURVE example keys (RFC 26): well-formed, never a real broker's or worker's
const SAMPLE_KEYS = { publicKey: 'rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7', secretKey: 'JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6' };
const keyFile = (D: string, text: string) => writeFileSync(join(D, 'keys.json'), text);

/** The tiny synthetic experiment (test/ts/helpers.ts) as a YAML file. */
function experiment(D: string, over: Record<string, unknown> = {}): string {
  const file = join(D, 'tiny.yaml');
  writeFileSync(file, stringify({ ...tinySpec(), ...over }));
  return file;
}

/** A real store with the full schema, closed cleanly (no -wal / -shm left). */
function store(file: string): void {
  openDb(file).close();
}

/** A tiny MONAI U-Net by `_target_`, as an experiment's `models` entry; `over` changes its arguments. */
const unet = (over: Record<string, unknown> = {}) => ({ _target_: 'monai.networks.nets.UNet', spatial_dims: 2, in_channels: 1, out_channels: 1, channels: [4, 8], strides: [2], ...over });

const fileBased = (D: string) => ({ name: 'folder', dataset: { kind: 'image-folder', root: join(D, 'kvasir'), size: [32, 32] }, split: { train: 12, val: 4, test: 4 } });

type StoreCase = { what: string; setup(D: string): void; db: (D: string) => string; unprivileged?: boolean; runOnly?: boolean; names?: (D: string) => string };
const STORES: StoreCase[] = [
  { what: '`--db` is a folder', setup: (D) => mkdirSync(join(D, 'store.db')), db: (D) => join(D, 'store.db') },
  { what: '`--db` is a text file, not SQLite', setup: (D) => writeFileSync(join(D, 'store.db'), 'these are my notes\n'), db: (D) => join(D, 'store.db') },
  {
    what: '`--db` is a store cut to half its size',
    setup: (D) => {
      const f = join(D, 'store.db');
      store(f);
      truncateSync(f, statSync(f).size / 2);
    },
    db: (D) => join(D, 'store.db'),
  },
  {
    what: '`--db` is a store cut inside its header',
    setup: (D) => {
      const f = join(D, 'store.db');
      store(f);
      truncateSync(f, 40);
    },
    db: (D) => join(D, 'store.db'),
  },
  {
    what: '`--db` is a store in a read-only folder',
    setup: (D) => {
      mkdirSync(join(D, 'ro'));
      store(join(D, 'ro', 'store.db'));
      chmodSync(join(D, 'ro', 'store.db'), 0o666);
      chmodSync(join(D, 'ro'), 0o555);
    },
    db: (D) => join(D, 'ro', 'store.db'),
    unprivileged: true,
  },
  {
    what: '`--db` is a new store in a read-only folder',
    setup: (D) => {
      mkdirSync(join(D, 'ro'));
      chmodSync(join(D, 'ro'), 0o555);
    },
    db: (D) => join(D, 'ro', 'store.db'),
    unprivileged: true,
    runOnly: true,
    names: (D) => join(D, 'ro'),
  },
  {
    what: "`--db` is another program's SQLite database",
    setup: (D) => {
      const db = new Database(join(D, 'store.db'));
      db.exec(`CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO jobs (title) VALUES ('write the grant')`);
      db.close();
    },
    db: (D) => join(D, 'store.db'),
  },
  { what: '`--db` ends in `/` (a folder not made yet)', setup: () => {}, db: (D) => `${join(D, 'new')}/`, runOnly: true },
  { what: "`--db`'s folder is a file", setup: (D) => writeFileSync(join(D, 'notes'), 'a file\n'), db: (D) => join(D, 'notes', 'store.db'), names: (D) => join(D, 'notes') },
];

const run = (D: string, ...more: string[]) => ['run', experiment(D), '--db', join(D, 'store.db'), ...more];

export const CASES: BadInput[] = [
  ...STORES.flatMap((s): BadInput[] => [
    { what: `run: ${s.what}`, setup: s.setup, unprivileged: s.unprivileged, args: (D) => ['run', experiment(D), '--db', s.db(D)], code: 2, names: s.names ?? s.db, untouched: true },
    ...(s.runOnly ? [] : [{ what: `status: ${s.what}`, setup: s.setup, unprivileged: s.unprivileged, args: (D: string) => ['status', '--db', s.db(D)], code: 2 as const, names: s.names ?? s.db, untouched: true }]),
  ]),
  { what: 'an unknown option (`forecast --model`)', args: (D) => ['forecast', '--db', join(D, 'store.db'), '--model', 'x'], code: 2, names: () => "unknown option '--model' (see plateau forecast --help)", untouched: true },
  { what: '`forecast --curve` names no file', args: (D) => ['forecast', '--curve', join(D, 'nope.csv')], code: 2, names: (D) => `${join(D, 'nope.csv')}: cannot read the curve file (no such file)`, untouched: true },
  { what: '`forecast --curve` names a folder', setup: (D) => mkdirSync(join(D, 'curves')), args: (D) => ['forecast', '--curve', join(D, 'curves')], code: 2, names: (D) => `${join(D, 'curves')}: cannot read the curve file (a folder, not a file)`, untouched: true },
  { what: 'a misspelt option (`forecast --curves`), its suggestion on the same line', args: (D) => ['forecast', '--db', join(D, 'store.db'), '--curves', 'x'], code: 2, names: () => "unknown option '--curves' (did you mean --curve? see plateau forecast --help)", untouched: true },
  { what: '`run` without an experiment file', args: () => ['run'], code: 2, names: () => "missing required argument 'experiment'", untouched: true },
  { what: '`--target-dice` without `--adaptive`', args: (D) => run(D, '--target-dice', '0.9'), code: 2, names: () => '--target-dice, --precision and --budget go with --adaptive', untouched: true },
  { what: '`--threads abc`', args: (D) => run(D, '--threads', 'abc'), code: 2, names: () => '--threads', untouched: true },
  { what: '`--threads -1`', args: (D) => run(D, '--threads', '-1'), code: 2, names: () => '--threads', untouched: true },
  { what: '`--threads 1.5`', args: (D) => run(D, '--threads', '1.5'), code: 2, names: () => '--threads', untouched: true },
  { what: '`--workers 0` (no `--bind`)', args: (D) => run(D, '--workers', '0'), code: 2, names: () => '--workers 0', untouched: true },
  { what: '`--workers abc`', args: (D) => run(D, '--workers', 'abc'), code: 2, names: () => '--workers', untouched: true },
  { what: '`--workers -2`', args: (D) => run(D, '--workers', '-2'), code: 2, names: () => '--workers', untouched: true },
  { what: '`--bind` port 70000', args: (D) => run(D, '--bind', 'tcp://127.0.0.1:70000'), code: 2, names: () => '70000', untouched: true },
  { what: '`--bind` port 0', args: (D) => run(D, '--bind', 'tcp://127.0.0.1:0'), code: 2, names: () => '--bind', untouched: true },
  { what: '`--bind` without a scheme', args: (D) => run(D, '--bind', '127.0.0.1:5555'), code: 2, names: () => '--bind', untouched: true },
  { what: '`--set training.lr=[0.1` (malformed YAML)', args: (D) => run(D, '--set', 'training.lr=[0.1'), code: 2, names: () => 'training.lr', untouched: true },
  { what: '`--set training.epochs={`', args: (D) => run(D, '--set', 'training.epochs={'), code: 2, names: () => 'training.epochs', untouched: true },
  { what: '`--set __proto__.x=1`', args: (D) => run(D, '--set', '__proto__.x=1'), code: 2, names: () => '__proto__', untouched: true },
  { what: '`--set constructor.prototype.x=1`', args: (D) => run(D, '--set', 'constructor.prototype.x=1'), code: 2, names: () => 'constructor', untouched: true },
  { what: '`--set models.__proto__.x=1`', args: (D) => run(D, '--set', 'models.__proto__.x=1'), code: 2, names: () => '__proto__', untouched: true },
  { what: '`--set training..epochs=5`', args: (D) => run(D, '--set', 'training..epochs=5'), code: 2, names: () => 'training..epochs', untouched: true },
  { what: '`--set training.epochs` (no value)', args: (D) => run(D, '--set', 'training.epochs'), code: 2, names: () => 'training.epochs', untouched: true },
  {
    what: 'dry run of 10⁶ fractions (`step: 0.000001`)',
    args: (D) => run(D, '--dry-run', '--set', 'fractions={from: 0.000001, to: 1, step: 0.000001}'),
    code: 2,
    names: () => '100,000',
    untouched: true,
  },
  {
    what: 'dry run of 10¹² fractions',
    args: (D) => run(D, '--dry-run', '--json', '--set', 'fractions={from: 0.000000000001, to: 1, step: 0.000000000001}'),
    code: 2,
    names: () => 'fractions',
    untouched: true,
  },
  {
    what: 'dry run of 200 lr × 600 weight decays',
    args: (D) => run(D, '--dry-run', '--set', `training.lr=[${Array.from({ length: 200 }, (_, i) => (i + 1) / 1000).join(',')}]`, '--set', `training.weight_decay=[${Array.from({ length: 600 }, (_, i) => i / 1000).join(',')}]`),
    code: 2,
    names: () => '100,000',
    untouched: true,
  },
  { what: 'experiment file missing', args: (D) => ['run', join(D, 'missing.yaml'), '--db', join(D, 'store.db')], code: 2, names: (D) => join(D, 'missing.yaml'), untouched: true },
  {
    what: 'experiment file expands aliases beyond reason ("billion laughs")',
    setup: (D) => {
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
      writeFileSync(join(D, 'laughs.yaml'), `${lines.join('\n')}\n`);
    },
    args: (D) => ['run', join(D, 'laughs.yaml'), '--db', join(D, 'store.db')],
    code: 2,
    names: (D) => join(D, 'laughs.yaml'),
    untouched: true,
  },
  {
    what: 'experiment file of two YAML documents',
    setup: (D) => writeFileSync(join(D, 'two.yaml'), `${stringify(tinySpec())}---\n${stringify(tinySpec())}`),
    args: (D) => ['run', join(D, 'two.yaml'), '--db', join(D, 'store.db')],
    code: 2,
    names: () => 'more than one YAML document',
    untouched: true,
  },
  {
    what: 'a data list entry whose image is a number',
    setup: (D) => writeFileSync(join(D, 'list.json'), JSON.stringify({ training: [{ image: 'a.png', label: 'a_mask.png' }, { image: 123, label: 'b_mask.png' }] })),
    args: (D) => ['run', experiment(D, { name: 'listed', dataset: { kind: 'datalist', datalist: join(D, 'list.json') }, split: { train: 12, val: 4, test: 4 } }), '--db', join(D, 'store.db')],
    code: 2,
    names: () => 'entry 1: its image is not a path',
    untouched: true,
  },
  {
    what: '`models` with a network that cannot take the data (a 3D U-Net on 2D images)',
    args: (D) => ['models', experiment(D, { models: [{ _target_: 'monai.networks.nets.UNet', spatial_dims: 3, in_channels: 1, out_channels: 1, channels: [4, 8], strides: [2] }] }), '--threads', '1'],
    code: 2,
    names: () => 'UNet does not run on one case of shape [1, 32, 32]',
    untouched: true,
  },
  // plateau run tries each model on one case before it stores anything (py/plateau/preflight.py):
  // these failed every job (exit 1) and left the experiment stored
  {
    what: '`run` with a network `_target_` that does not build (a U-Net of one level)',
    args: (D) => run(D, '--set', `models=[${JSON.stringify(unet({ channels: [4], strides: [] }))}]`),
    code: 2,
    names: () => 'models[0]._target_: cannot build monai.networks.nets.UNet: the length of `channels` should be no less than 2',
    untouched: true,
  },
  {
    what: '`run` with `pretrained` weights of another network',
    setup: (D) => {
      execaSync(PYTHON, ['-c', 'import sys, torch\nfrom monai.networks.nets import UNet\ntorch.save(UNet(spatial_dims=2, in_channels=1, out_channels=1, channels=(8, 16), strides=(2,)).state_dict(), sys.argv[1])', join(D, 'other.pt')]);
    },
    args: (D) => run(D, '--set', `models=[${JSON.stringify(unet({ pretrained: join(D, 'other.pt') }))}]`),
    code: 2,
    names: (D) => `models[0].pretrained: the weights in ${join(D, 'other.pt')} do not fit UNet (Error(s) in loading state_dict for UNet: size mismatch`,
    untouched: true,
  },
  {
    what: '`run` with a transform that fails on the data (a misspelt key)',
    args: (D) => run(D, '--set', `models=[${JSON.stringify(unet())}]`, '--set', 'dataset.transforms={train: [{_target_: ScaleIntensityd, keys: [img]}]}'),
    code: 2,
    names: () => 'dataset.transforms.train[0]: ScaleIntensityd fails on case synthetic-00000',
    untouched: true,
  },
  {
    what: '`run` with a network that cannot take the data (a 3D U-Net on 2D images)',
    args: (D) => run(D, '--set', `models=[${JSON.stringify(unet({ spatial_dims: 3 }))}]`),
    code: 2,
    names: () => 'models[0]: UNet does not run on one case of shape [1, 32, 32]',
    untouched: true,
  },
  { what: "`--target-dice ''` (empty)", args: (D) => ['forecast', '--db', join(D, 'store.db'), '--target-dice', ''], code: 2, names: () => '--target-dice', untouched: true },
  { what: '`--seed 1.5`', args: (D) => ['forecast', '--db', join(D, 'store.db'), '--seed', '1.5'], code: 2, names: () => '--seed', untouched: true },
  {
    what: 'experiment file is not valid YAML',
    setup: (D) => writeFileSync(join(D, 'bad.yaml'), 'models: [\n'),
    args: (D) => ['run', join(D, 'bad.yaml'), '--db', join(D, 'store.db')],
    code: 2,
    names: (D) => join(D, 'bad.yaml'),
    untouched: true,
  },
  {
    what: 'experiment with `training.epochs: 0` and no `name`',
    setup: (D) => {
      const { name: _, ...spec } = tinySpec();
      writeFileSync(join(D, 'tiny.yaml'), stringify({ ...spec, training: { ...spec.training, epochs: 0 } }));
    },
    args: (D) => ['run', join(D, 'tiny.yaml'), '--db', join(D, 'store.db')],
    code: 2,
    // every problem on the one line, each by its field
    names: () => 'name: missing (a string); training.epochs: Too small',
    untouched: true,
  },
  {
    // checked before the store is read and the surrogates fitted, not found after minutes of fitting
    what: "report: `--out`'s folder is a file",
    setup: (D) => {
      store(join(D, 'store.db'));
      writeFileSync(join(D, 'notes'), 'a file\n');
    },
    args: (D) => ['report', '--db', join(D, 'store.db'), '--out', join(D, 'notes', 'report')],
    code: 2,
    names: (D) => join(D, 'notes'),
    untouched: true,
  },
  {
    what: 'report: `--out` in a read-only folder',
    setup: (D) => {
      store(join(D, 'store.db'));
      mkdirSync(join(D, 'ro'));
      chmodSync(join(D, 'ro'), 0o555);
    },
    args: (D) => ['report', '--db', join(D, 'store.db'), '--out', join(D, 'ro', 'report')],
    unprivileged: true,
    code: 2,
    names: (D) => join(D, 'ro'),
    untouched: true,
  },
  {
    // root passes the permission check there: found before the fitting by making an empty folder
    what: 'report: `--out` where nothing can be made (/proc)',
    setup: (D) => store(join(D, 'store.db')),
    args: (D) => ['report', '--db', join(D, 'store.db'), '--out', '/proc/plateau-report'],
    code: 2,
    names: () => '/proc',
    untouched: true,
  },
  {
    what: '`worker --server-key` that is not a CURVE key',
    setup: (D) => keyFile(D, JSON.stringify(SAMPLE_KEYS)),
    args: (D) => ['worker', '--connect', 'tcp://127.0.0.1:5555', '--server-key=abc', '--key-file', join(D, 'keys.json')],
    code: 2,
    names: () => '--server-key',
    untouched: true,
  },
  {
    what: '`worker --key-file` that is not a key pair',
    setup: (D) => keyFile(D, 'not json\n'),
    args: (D) => ['worker', '--connect', 'tcp://127.0.0.1:5555', `--server-key=${SAMPLE_KEYS.publicKey}`, '--key-file', join(D, 'keys.json')],
    code: 2,
    names: (D) => join(D, 'keys.json'),
    untouched: true,
  },
  {
    // checked before the worker script is written and sbatch asked (was exit 4, and a path under /proc hung)
    what: "`workers slurm --log-dir`'s folder is a file",
    setup: (D) => {
      keyFile(D, JSON.stringify(SAMPLE_KEYS));
      writeFileSync(join(D, 'notes'), 'a file\n');
    },
    args: (D) => ['workers', 'slurm', '--connect', 'tcp://127.0.0.1:5555', `--server-key=${SAMPLE_KEYS.publicKey}`, '--key-file', join(D, 'keys.json'), '--log-dir', join(D, 'notes', 'logs')],
    code: 2,
    names: (D) => join(D, 'notes'),
    untouched: true,
  },
  {
    what: '`stats ols` formula naming a column the CSV lacks',
    setup: (D) => writeFileSync(join(D, 'd.csv'), 'y,x\n1,2\n2,3\n3,5\n'),
    args: (D) => ['stats', 'ols', '--data', join(D, 'd.csv'), '--formula', 'y ~ z'],
    code: 2,
    names: () => "unknown column 'z' (columns: y, x), at ▸ in 'y ~ ▸z'",
    untouched: true,
  },
  { what: 'no Python at `PLATEAU_PYTHON`: `run`', args: (D) => run(D), env: { PLATEAU_PYTHON: NO_PYTHON }, code: 3, names: () => NO_PYTHON, untouched: true },
  {
    what: 'no Python at `PLATEAU_PYTHON`: `run` on a file-based data set',
    args: (D) => ['run', experiment(D, fileBased(D)), '--db', join(D, 'store.db')],
    env: { PLATEAU_PYTHON: NO_PYTHON },
    code: 3,
    names: () => NO_PYTHON,
    untouched: true,
  },
  {
    what: 'no Python at `PLATEAU_PYTHON`: `data check`',
    args: (D) => ['data', 'check', experiment(D, fileBased(D))],
    env: { PLATEAU_PYTHON: NO_PYTHON },
    code: 3,
    names: () => NO_PYTHON,
    untouched: true,
  },
];

/** Every file under D with a hash of its content (folders too), to see that a case wrote nothing. */
export function snapshot(D: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const key = relative(D, p);
      if (e.isDirectory()) {
        out[`${key}/`] = 'dir';
        walk(p);
      } else {
        let hash = 'unreadable';
        try {
          hash = createHash('sha1').update(readFileSync(p)).digest('hex');
        } catch {
          /* keep the name */
        }
        out[key] = hash;
      }
    }
  };
  walk(D);
  return out;
}

const UNPRIVILEGED = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

/** Runs one case in a fresh folder D as a user would: the real CLI, its exit code and output, and the folder before and after. */
export async function runCase(c: BadInput, D: string) {
  c.setup?.(D);
  const args = c.args(D);
  const before = snapshot(D);
  // root reads and writes read-only folders; such a case runs as 'nobody', who must reach D
  const drop = c.unprivileged && process.getuid?.() === 0;
  if (drop) {
    chmodSync(D, 0o755);
    for (const [f, kind] of Object.entries(before)) if (kind !== 'dir') chmodSync(join(D, f), statSync(join(D, f)).mode | 0o044);
  }
  const bin = join(ROOT, 'bin', 'plateau');
  const [cmd, argv] = drop ? [UNPRIVILEGED[0], [...UNPRIVILEGED.slice(1), bin, ...args]] : [bin, args];
  const r = await execa(cmd, argv, { reject: false, cwd: ROOT, timeout: 120_000, env: { NO_COLOR: '1', ...c.env } });
  const after = snapshot(D);
  return { args, code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), before, after };
}

/** A message with the case's folder written as D, for the README. */
export const generic = (s: string, D: string) => s.split(D).join('D');
