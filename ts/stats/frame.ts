import { readFileSync } from 'node:fs';
import { UserError } from '../errors';
import { parseCsv } from './csv';

/**
 * A data frame as the models see it: typed columns of equal length. Types follow pandas'
 * read_csv, because patsy's coding depends on them: numbers (integers kept apart from floats,
 * which print as 5 and 5.0 in level names), booleans and text. Missing numbers are NaN,
 * missing text and booleans null.
 */
export type Column =
  | { kind: 'number'; values: Float64Array; integer: boolean }
  | { kind: 'bool'; values: (boolean | null)[] }
  | { kind: 'text'; values: (string | null)[] };

export interface Frame {
  /** Where the data came from, for error messages: a file, or 'store.db, experiment x'. */
  source: string;
  rows: number;
  columns: Map<string, Column>;
}

export function column(frame: Frame, name: string): Column {
  const c = frame.columns.get(name);
  if (!c) throw new UserError(`${frame.source}: no column '${name}' (columns: ${[...frame.columns.keys()].join(', ')})`);
  return c;
}

/** pandas' default missing-value markers (read_csv na_values). */
const NA = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);
const TRUE = new Set(['True', 'TRUE', 'true']);
const FALSE = new Set(['False', 'FALSE', 'false']);
const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|Inf|INF|infinity|Infinity)$/;

/** One column of CSV cells, typed as pandas would type it (one pass while the column stays numeric). */
export function typeCells(cells: string[]): Column {
  const n = cells.length;
  const values = new Float64Array(n);
  let missing = false;
  let present = 0;
  let integer = true;
  let numeric = true;
  for (let i = 0; i < n && numeric; i++) {
    const raw = cells[i];
    // Trim only when needed: most cells have no surrounding blanks.
    const c = raw.length && (raw.charCodeAt(0) <= 32 || raw.charCodeAt(raw.length - 1) <= 32) ? raw.trim() : raw;
    // Numbers first (no NA marker is one), then the NA markers; the integer test only while no
    // float has been seen, and the inf spellings only for cells that end in a letter.
    if (FLOAT.test(c)) {
      if (integer && !INTEGER.test(c)) integer = false;
      const last = c.charCodeAt(c.length - 1);
      values[i] = last >= 48 && last <= 57 ? Number(c) : Number(c.replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'));
      present++;
    } else if (NA.has(c)) {
      missing = true;
      values[i] = NaN;
    } else numeric = false;
  }
  if (!present && numeric) return { kind: 'number', values: values.fill(NaN), integer: false };
  if (numeric) return { kind: 'number', values, integer: integer && !missing };
  const blank = (c: string) => NA.has(c.trim());
  if (cells.every((c) => blank(c) || TRUE.has(c) || FALSE.has(c))) {
    return { kind: 'bool', values: cells.map((c) => (TRUE.has(c) ? true : FALSE.has(c) ? false : null)) };
  }
  return { kind: 'text', values: cells.map((c) => (blank(c) ? null : c)) };
}

export function readCsvFrame(file: string): Frame {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  return csvFrame(text, file);
}

export function csvFrame(text: string, source: string): Frame {
  const records = parseCsv(text, source);
  if (!records.length) throw new UserError(`${source}: empty file, no header`);
  const header = records[0];
  const n = records.length - 1;
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (!h) throw new UserError(`${source}: column ${i + 1} has no name`);
    if (seen.has(h)) throw new UserError(`${source}: column '${h}' appears twice`);
    seen.add(h);
  });
  for (let i = 1; i <= n; i++) {
    if (records[i].length !== header.length) {
      throw new UserError(`${source}: line ${i + 1} has ${records[i].length} fields, the header has ${header.length}`);
    }
  }
  // Column by column, straight from the parsed records (no copy of the rows).
  const columns = new Map<string, Column>();
  header.forEach((h, j) => {
    const cells = new Array<string>(n);
    for (let i = 0; i < n; i++) cells[i] = records[i + 1][j];
    columns.set(h, typeCells(cells));
  });
  return { source, rows: n, columns };
}

/** A frame from records (the store's result rows): numbers, strings, booleans or null. */
export function recordsFrame(records: Record<string, unknown>[], source: string): Frame {
  const names = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const columns = new Map<string, Column>();
  for (const name of names) {
    const values = records.map((r) => r[name] ?? null);
    const present = values.filter((v) => v !== null);
    if (present.every((v) => typeof v === 'number')) {
      const nums = Float64Array.from(values, (v) => (v === null ? NaN : (v as number)));
      columns.set(name, { kind: 'number', values: nums, integer: present.length === values.length && present.every((v) => Number.isInteger(v)) });
    } else if (present.every((v) => typeof v === 'boolean')) {
      columns.set(name, { kind: 'bool', values: values as (boolean | null)[] });
    } else {
      columns.set(name, { kind: 'text', values: values.map((v) => (v === null ? null : String(v))) });
    }
  }
  return { source, rows: records.length, columns };
}

/**
 * A value as Python's str() prints it, which is what patsy puts in level names and
 * statsmodels in group labels: 5, 5.0, 0.001, 1e-05, 1e+16, True.
 */
export function pythonLabel(v: number | boolean | string, integer = false): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (integer) return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  // Shortest round-trip digits (the same in JS and Python), laid out by Python's repr rule:
  // scientific when the decimal exponent is below -4 or at least 16.
  const [mant, expText] = Math.abs(v).toExponential().split('e');
  const exp = Number(expText);
  const digits = mant.replace('.', '');
  const sign = v < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${int}.${frac || '0'}`;
}
