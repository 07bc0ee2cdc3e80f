/** Plain-text tables for terminals and logs: right-aligned numbers, left-aligned text. */
export function table(header: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((r) => r.map((v) => (v === null || v === undefined ? '–' : String(v))));
  // a loop, not Math.max(...): a spread of 100,000 rows overflows the stack
  const widths = header.map((h, i) => cells.reduce((w, r) => Math.max(w, r[i]?.length ?? 0), h.length));
  const numeric = header.map((_, i) => cells.every((r) => r[i] === '–' || /^-?[\d.]+(e-?\d+)?%?$/.test(r[i])));
  const line = (r: string[]) =>
    r.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export const fixed = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? null : v.toFixed(digits));
/** The mean of the values measured (numbers), or null where none was: an unknown cost is '–', never 0. */
export function meanKnown(v: readonly (number | null | undefined)[]): number | null {
  const known = v.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return known.length ? known.reduce((s, x) => s + x, 0) / known.length : null;
}

export const percent = (f: number) => `${+(f * 100).toFixed(2)}%`;

/** A training subset as the user wrote it: `35%` of the pool, or `n=200` images. */
export const subsetLabel = (s: { fraction: number | null; count?: number | null; n_train?: number | null }) =>
  s.fraction !== null ? percent(s.fraction) : `n=${s.count ?? s.n_train}`;
