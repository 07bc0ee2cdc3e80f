import type { ReportFigure } from '../figure';
import { formattedRows, type ReportTable } from '../table';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function tableHtml(t: ReportTable): string {
  const rows = formattedRows(t);
  return `<section id="${esc(t.id)}"><h2>${esc(t.title)}</h2><table><thead><tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table><p class="caption">${esc(t.caption)}</p></section>`;
}

/** The SVG inline (no XML prolog), so the page needs no other file and no script. */
const figureHtml = (f: ReportFigure) =>
  `<section id="${esc(f.id)}"><h2>${esc(f.title)}</h2><figure>${f.svg.replace(/^<\?xml[^>]*>\s*/, '')}<figcaption>${esc(f.caption)}</figcaption></figure></section>`;

/** One self-contained page: every table and figure, inline CSS, no scripts or external links. */
export function htmlReport(title: string, tables: ReportTable[], figures: ReportFigure[], notes: string[] = []): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}th,td{padding:.25em .6em;border-bottom:1px solid #ddd}
th{border-bottom:2px solid #444;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.caption,figcaption{color:#555;font-size:.85em}figure{margin:0}svg{max-width:100%;height:auto}
</style></head><body>
<h1>${esc(title)}</h1>
${notes.map((n) => `<p class="note">${esc(n)}</p>`).join('\n')}
${tables.map(tableHtml).join('\n')}
${figures.map(figureHtml).join('\n')}
</body></html>
`;
}
