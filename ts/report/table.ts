/**
 * A paper table as data: the builders fill it from the store and the statistics, and the
 * writers (markdown, CSV, LaTeX, HTML, the terminal) only lay it out. Numbers stay numbers
 * until a writer formats them with the column's digits, so CSV keeps full precision.
 */
export type CellValue = string | number | null;

export interface ReportTable {
  /** file-name stem, e.g. lee2025-table1 */
  id: string;
  title: string;
  caption: string;
  header: string[];
  rows: CellValue[][];
  /** decimals per column for the text layouts (CSV writes full precision); default 4 */
  digits?: (number | null)[];
}

export function formatCell(v: CellValue, digits: number | null | undefined): string {
  if (v === null) return '–';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (digits === null) return String(v);
  const d = digits ?? 4;
  if (v !== 0 && Math.abs(v) < 10 ** -d) return v.toExponential(2);
  return v.toFixed(d);
}

/** The table's cells as strings, as every text layout shows them. */
export const formattedRows = (t: ReportTable) => t.rows.map((r) => r.map((v, i) => formatCell(v, t.digits?.[i])));
