import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors';
import { Experiment } from './schema';

/** `a.b[0].c` style path of a zod issue, as the user wrote it in YAML. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)),
    '',
  ) || '(top level)';
}

/**
 * zod reports a failed union (e.g. a model entry of an unknown family) as one issue holding every
 * branch's issues; the branch with the fewest issues says what the user most likely meant.
 */
export function leafIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): z.core.$ZodIssue[] {
  return issues.flatMap((i) => {
    const path = [...prefix, ...i.path];
    if (i.code === 'invalid_union' && i.errors.length > 0) {
      const best = i.errors.reduce((a, b) => (b.length < a.length ? b : a));
      if (best.length > 0) return leafIssues(best, path);
    }
    return [{ ...i, path } as z.core.$ZodIssue];
  });
}

/** zod's "Invalid input: expected string, received undefined" as a user would say it: "missing (a string)". */
function issueText(i: z.core.$ZodIssue): string {
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(i.message);
  return missing ? `missing (${/^[aeiou]/.test(missing[1]) ? 'an' : 'a'} ${missing[1]})` : i.message;
}

/** Every problem of an experiment file on one line, each named by its field: `f.yaml: invalid experiment: a.b: …; c: …`. */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  return `${file}: invalid experiment: ${leafIssues(issues).map((i) => `${issuePath(i.path)}: ${issueText(i)}`).join('; ')}`;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Applies `--set a.b=value` overrides; the value is read as YAML (numbers, lists, strings). */
export function applyOverrides(doc: unknown, sets: readonly string[], file: string): unknown {
  const root = structuredClone(doc) as Record<string, unknown>;
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new UserError(`${file}: --set ${set}: expected FIELD=VALUE, e.g. training.epochs=5`);
    const field = set.slice(0, eq);
    // `models[0].depths` as the error messages write a path, or `models.0.depths`
    const path = field.replace(/\[(\d+)\]/g, '.$1').split('.');
    if (path.some((p) => p.trim() === '')) throw new UserError(`${file}: --set ${set}: '${field}' has an empty field name`);
    // These would reach Object.prototype, not a field of the experiment.
    const forbidden = path.find((p) => FORBIDDEN_KEYS.has(p));
    if (forbidden) throw new UserError(`${file}: --set ${set}: '${forbidden}' is not a field of an experiment`);
    const valueDoc = parseDocument(set.slice(eq + 1));
    if (valueDoc.errors.length > 0) throw new UserError(`${file}: --set ${set}: the value of ${field} is not valid YAML (${yamlError(valueDoc.errors)})`);
    const value = yamlValue(valueDoc, `${file}: --set ${set}: the value of ${field}`);
    let node: Record<string, unknown> = root;
    // a list takes an index up to its length (the next entry), not a name: a name would be dropped unseen
    const checkIndex = (depth: number) => {
      if (!Array.isArray(node)) return;
      const at = issuePath(path.slice(0, depth).map((p) => (/^\d+$/.test(p) ? Number(p) : p)));
      if (!/^\d+$/.test(path[depth])) throw new UserError(`${file}: --set ${set}: ${at} is a list; give an index, e.g. ${at}[0]`);
      if (Number(path[depth]) > node.length) throw new UserError(`${file}: --set ${set}: ${at} has ${node.length} entr${node.length === 1 ? 'y' : 'ies'}; an index goes up to ${node.length} (a new one)`);
    };
    for (const [depth, part] of path.slice(0, -1).entries()) {
      checkIndex(depth);
      const next = Object.hasOwn(node, part) ? node[part] : undefined;
      if (next === undefined) node[part] = {};
      else if (typeof next !== 'object' || next === null)
        throw new UserError(`${file}: --set ${set}: '${part}' is not an object`);
      node = node[part] as Record<string, unknown>;
    }
    checkIndex(path.length - 1);
    node[path[path.length - 1]] = value;
  }
  return root;
}

/**
 * The experiment's paths (dataset.root, dataset.datalist, models[].pretrained, models[].bundle) made absolute
 * against `base`: the file's own folder for what the file says, the working directory for --set.
 */
export function resolvePaths(doc: unknown, base: string): unknown {
  const abs = (v: unknown) => (typeof v === 'string' && v !== '' && !isAbsolute(v) ? resolve(base, v) : v);
  if (doc === null || typeof doc !== 'object') return doc;
  const out = { ...(doc as Record<string, unknown>) };
  if (out.dataset && typeof out.dataset === 'object') {
    const d = { ...(out.dataset as Record<string, unknown>) };
    for (const field of ['root', 'datalist']) if (field in d) d[field] = abs(d[field]);
    out.dataset = d;
  }
  if (Array.isArray(out.models)) {
    out.models = out.models.map((m) => {
      if (!m || typeof m !== 'object') return m;
      const e = { ...(m as Record<string, unknown>) };
      for (const field of ['pretrained', 'bundle']) if (field in e) e[field] = abs(e[field]);
      return e;
    });
  }
  return out;
}

/** yaml's first error as one line for a user: no code frame, and no advice meant for programmers. */
function yamlError(errors: readonly { code: string; message: string }[]): string {
  const e = errors[0];
  if (e.code === 'MULTIPLE_DOCS') return "it holds more than one YAML document (a '---' line between them); an experiment is one document";
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  return `${e.message.split('\n')[0].replace(/:\s*$/, '')}${more}`;
}

/** The document's value; yaml refuses aliases that expand beyond reason (a "billion laughs" file) by throwing. */
function yamlValue(doc: { toJS(): unknown }, where: string): unknown {
  try {
    return doc.toJS();
  } catch (e) {
    throw new UserError(`${where} is not valid YAML (${(e as Error).message})`);
  }
}

/** Reads, overrides and validates an experiment file; any problem is a UserError naming the file. */
export function loadExperiment(file: string, sets: readonly string[] = []): Experiment {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read experiment file (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  // one line: yaml's first error without its code frame ("… at line 2, column 1"), and how many follow
  if (doc.errors.length > 0) throw new UserError(`${file}: not valid YAML: ${yamlError(doc.errors)}`);
  // The file's paths first (against its folder), so what is still relative came from --set (cwd).
  const raw = resolvePaths(applyOverrides(resolvePaths((yamlValue(doc, file) as object) ?? {}, dirname(resolve(file))), sets, file), process.cwd());
  const parsed = Experiment.safeParse(raw);
  if (!parsed.success) throw new UserError(formatIssues(file, parsed.error.issues));
  return parsed.data;
}
