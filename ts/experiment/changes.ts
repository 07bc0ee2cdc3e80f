import { modelIdentity } from './identity';
import { canonicalJson } from './job';
import { expandModels } from './model';
import type { Experiment } from './schema';

/*
 * A second run under an experiment's name may grow its grid (more fractions, models, learning
 * rates, repeats) or point at the same data elsewhere; anything else it changes (epochs, split,
 * loss, a network's settings under its old name) would put runs of two set-ups on one curve.
 */
const MAY_GROW = new Set(['fractions', 'models', 'repeats', 'description', 'training.lr', 'training.weight_decay', 'dataset.root', 'dataset.datalist']);

const show = (v: unknown) => (v === undefined ? '(unset)' : canonicalJson(v));

function leaves(value: unknown, path: string, out: Map<string, unknown>): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('_target_' in value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else out.set(path, value);
  return out;
}

/** What `after` changes of `before` beyond growing its grid, as `field: old → new` lines. */
export function changedSettings(before: Experiment, after: Experiment): string[] {
  const a = leaves(before, '', new Map());
  const b = leaves(after, '', new Map());
  const changes: string[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if ([...MAY_GROW].some((p) => path === p || path.startsWith(`${p}.`))) continue;
    if (canonicalJson(a.get(path) ?? null) !== canonicalJson(b.get(path) ?? null)) changes.push(`${path}: ${show(a.get(path))} → ${show(b.get(path))}`);
  }
  // A network keeps its name only with the same settings (a bundle: the same files, wherever they lie).
  const old = new Map(before.models.flatMap(expandModels).map((m) => [m.name, canonicalJson(modelIdentity(m))]));
  for (const m of after.models.flatMap(expandModels)) {
    if (old.has(m.name) && old.get(m.name) !== canonicalJson(modelIdentity(m))) changes.push(`models ${m.name}: other settings under the same name`);
  }
  return changes;
}
