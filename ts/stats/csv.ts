import Papa from 'papaparse';
import { UserError } from '../errors';

/** One CSV record: its fields, and the line of the file it starts on (1-based). */
export interface CsvRecord {
  cells: string[];
  line: number;
}

/**
 * RFC 4180 CSV by papaparse: comma-separated, double-quoted fields may hold commas, quotes ("")
 * and line breaks; CRLF or LF line ends; a final line break is optional; a byte-order mark is
 * dropped. Blank lines are skipped, as pandas does, and lines starting with `comments` where it is
 * given. A quote left open is an error naming its line.
 */
export function csvRecords(text: string, source: string, comments?: string): CsvRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const newlines = (s: string) => s.split('\n').length - 1;
  Papa.parse<string[]>(body, {
    delimiter: ',', skipEmptyLines: true, ...(comments ? { comments } : {}),
    step: (r) => {
      const quote = r.errors.find((e) => e.type === 'Quotes');
      if (quote) {
        // papaparse gives the record's index; the line is where its opening quote stands.
        const at = quote.index ?? body.length;
        throw new UserError(`${source}: line ${body.slice(0, at).split('\n').length}: a quoted field is not closed`);
      }
      // the cursor stands after the record's line end: its last line, less the breaks inside quotes
      const last = newlines(body.slice(0, r.meta.cursor).replace(/\r?\n$/, '')) + 1;
      records.push({ cells: r.data, line: last - r.data.reduce((k, c) => k + newlines(c), 0) });
    },
  });
  return records;
}

/** The records' fields only (csvRecords). */
export const parseCsv = (text: string, source: string): string[][] => csvRecords(text, source).map((r) => r.cells);
