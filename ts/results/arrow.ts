import { DataType, tableFromIPC } from 'apache-arrow';
import { type Column, TABLES, type TableName } from '../protocol/tables';
import type { Row } from '../store/results';

const matches = (t: DataType, want: Column['type']) =>
  want === 'int32' ? DataType.isInt(t) && t.bitWidth === 32 && t.isSigned
  : want === 'float64' ? DataType.isFloat(t) && t.precision === 2
  : DataType.isUtf8(t);

/**
 * Decodes one Arrow IPC stream into plain rows, checking it against the table's layout in
 * `schemas/tables.json` (same source): a missing column or a wrong type is an error, never a
 * silently shifted value.
 */
export function decodeTable(name: string, bytes: Uint8Array): Row[] {
  if (!(name in TABLES)) throw new Error(`unknown result table '${name}'`);
  const layout = TABLES[name as TableName] as readonly Column[];
  const table = tableFromIPC(bytes);
  for (const col of layout) {
    const field = table.schema.fields.find((f) => f.name === col.name);
    if (!field) throw new Error(`table '${name}' lacks column '${col.name}'`);
    if (!matches(field.type, col.type)) throw new Error(`table '${name}' column '${col.name}' is ${field.type}, not ${col.type}`);
  }
  const rows: Row[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row: Row = {};
    for (const col of layout) {
      const v = table.getChild(col.name)!.get(i) as number | string | null;
      if (v === null && !col.nullable) throw new Error(`table '${name}' row ${i}: '${col.name}' is null`);
      row[col.name] = typeof v === 'number' && Number.isNaN(v) ? null : v;
    }
    rows.push(row);
  }
  return rows;
}
