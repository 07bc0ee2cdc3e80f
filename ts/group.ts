/**
 * Rows grouped by a key, in first-seen order: Map.groupBy, which the project's ES2023 target does
 * not type. Shared by the store, the reports and the benchmarks (none of which may import another's).
 */
export function groupBy<T, K>(rows: readonly T[], key: (r: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const g = m.get(k);
    if (g) g.push(r);
    else m.set(k, [r]);
  }
  return m;
}
