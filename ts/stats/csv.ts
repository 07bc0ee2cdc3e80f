import { UserError } from '../errors';

/**
 * RFC 4180 CSV: comma-separated, double-quoted fields may hold commas, quotes ("") and line
 * breaks; CRLF or LF line ends; a final line break is optional. Blank lines are skipped, as
 * pandas does. Small enough not to need a dependency.
 */
export function parseCsv(text: string, source: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  const endRecord = () => {
    record.push(field);
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
    } else field += c;
  }
  if (quoted) throw new UserError(`${source}: line ${line}: a quoted field is not closed`);
  if (field !== '' || record.length) endRecord();
  return records;
}
