import { formattedRows, type ReportTable } from '../table';

const SPECIAL: Record<string, string> = { '\\': '\\textbackslash{}', '&': '\\&', '%': '\\%', $: '\\$', '#': '\\#', _: '\\_', '{': '\\{', '}': '\\}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}', '±': '$\\pm$', 'η': '$\\eta$', '²': '$^2$', '–': '--', '≥': '$\\geq$', '≤': '$\\leq$', '≈': '$\\approx$', '<': '$<$', '>': '$>$', '×': '$\\times$', '…': '\\ldots{}' };
export const texEscape = (s: string) => s.replace(/[\\&%$#_{}~^±η²–≥≤≈<>×…]/g, (c) => SPECIAL[c]);

/** A booktabs table (\usepackage{booktabs}); text columns left, numbers right. */
export function latexTable(t: ReportTable): string {
  const rows = formattedRows(t);
  const align = t.header.map((_, i) => (i === 0 ? 'l' : 'r')).join('');
  return [
    '\\begin{table}[ht]',
    '\\centering',
    `\\caption{${texEscape(t.title)}. ${texEscape(t.caption)}}`,
    `\\label{tab:${t.id}}`,
    `\\begin{tabular}{${align}}`,
    '\\toprule',
    `${t.header.map(texEscape).join(' & ')} \\\\`,
    '\\midrule',
    ...rows.map((r) => `${r.map(texEscape).join(' & ')} \\\\`),
    '\\bottomrule',
    '\\end{tabular}',
    '\\end{table}',
    '',
  ].join('\n');
}
