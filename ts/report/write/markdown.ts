import { formattedRows, type ReportTable } from '../table';

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function markdownTable(t: ReportTable): string {
  const rows = formattedRows(t);
  return [`### ${t.title}`, '', `| ${t.header.map(esc).join(' | ')} |`, `|${t.header.map((_, i) => (i ? ' ---: ' : ' --- ')).join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`), '', t.caption, ''].join('\n');
}
