// Bundles the CLI (ts/cli.ts and everything it imports from ts/) into ESM files, one chunk per lazily
// imported part, so `plateau` starts without transpiling TypeScript on every call (issue 13).
// Packages stay in node_modules (imported, not bundled).
//
//   node scripts/build-cli.mjs      builds .plateau/cli/build-<time>-<pid>/ and points .plateau/cli/current at it
//
// bin/plateau runs current/cli.js when nothing under ts/ is newer than it, and calls this otherwise.
// Each build goes to a folder of its own and the link is swapped by a rename, so a command running
// from the previous build (and its lazily imported chunks) is never left with half-written files.
import { readdirSync, renameSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'ts', 'cli.ts');
// The result decoder's thread (ts/results/decoder.ts) is an entry of its own: decodeThread.js, beside
// cli.js and the chunks, where decoder.ts looks for it from its own (kept) import.meta.url.
const threads = [join(root, 'ts', 'results', 'decodeThread.ts')];
const ownUrlKept = new Set([entry, join(root, 'ts', 'results', 'decoder.ts')]);
const home = join(root, '.plateau', 'cli');
const name = `build-${Date.now()}-${process.pid}`;
const outdir = join(home, name);
// Stamped with the time the build started: a source saved during the build is newer than the bundle.
const started = new Date();

// Modules that find files next to themselves (calibration.json, the wasm backend) keep their own
// URL: import.meta.url is replaced by the source file's URL everywhere but in the entry, whose
// "am I the program?" test must see the bundle's URL, and in the decoder, which finds its thread's
// built file next to itself.
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]ts[\\/].*\.tsx?$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const loader = args.path.endsWith('x') ? 'tsx' : 'ts';
      if (ownUrlKept.has(args.path) || !text.includes('import.meta.url')) return { contents: text, loader };
      return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader };
    });
  },
};

await build({
  entryPoints: [entry, ...threads],
  entryNames: '[name]',
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  packages: 'external',
  jsx: 'automatic',
  logLevel: 'error',
  plugins: [ownUrl],
});

utimesSync(join(outdir, 'cli.js'), started, started);
const link = join(home, `current.${process.pid}`);
symlinkSync(name, link);
renameSync(link, join(home, 'current'));

// Builds other than this one, a day old: nothing still running can need their chunks.
for (const old of readdirSync(home)) {
  const path = join(home, old);
  if (old !== name && old.startsWith('build-') && Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
}
