import Papa from 'papaparse';
import { UserError } from '../errors';

/**
 * RFC 4180 CSV by papaparse: comma-separated, double-quoted fields may hold commas, quotes ("")
 * and line breaks; CRLF or LF line ends; a final line break is optional; a byte-order mark is
 * dropped. Blank lines are skipped, as pandas does. A quote left open is an error naming its line.
 */
export function parseCsv(text: string, source: string): string[][] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out = Papa.parse<string[]>(body, { delimiter: ',', skipEmptyLines: true });
  const quote = out.errors.find((e) => e.type === 'Quotes');
  if (quote) {
    // papaparse gives the record's index; the line is where its opening quote stands.
    const at = quote.index ?? body.length;
    const line = body.slice(0, at).split('\n').length;
    throw new UserError(`${source}: line ${line}: a quoted field is not closed`);
  }
  return out.data;
}
