import type { ReportTable } from '../table';

/** RFC 4180: quote fields with commas, quotes or newlines; numbers at full precision, missing = empty. */
const field = (v: string | number | null) => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const csvTable = (t: ReportTable) => [t.header, ...t.rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
