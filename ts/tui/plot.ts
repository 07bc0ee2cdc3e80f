/**
 * A character-cell chart: points, lines and a shaded band on a width × height grid, with
 * y labels on the left and x labels underneath. Pure, so views and tests share it; each cell
 * remembers which series drew it, so a view can colour it (or not, under NO_COLOR).
 */
export interface PlotSeries {
  label: string;
  points: [number, number][];
  /** the character a point is drawn with */
  mark: string;
  colour?: string;
  /** 'line' joins consecutive points with '·' before marking them */
  kind?: 'points' | 'line';
}

export interface PlotSpec {
  width: number;
  height: number;
  x: [number, number];
  y: [number, number];
  series: PlotSeries[];
  /** an interval drawn under the series: [x, lo, hi] */
  band?: { points: [number, number, number][]; colour?: string };
  /** vertical markers, e.g. the plateau point */
  marks?: { x: number; label: string; colour?: string }[];
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
}

export interface PlotCell {
  ch: string;
  colour?: string;
}

const BAND = '░';

export function plot(s: PlotSpec): PlotCell[][] {
  const yf = s.yFormat ?? ((v: number) => v.toFixed(2));
  const xf = s.xFormat ?? ((v: number) => String(+v.toFixed(2)));
  const labelW = Math.max(yf(s.y[0]).length, yf(s.y[1]).length) + 1;
  const W = Math.max(4, s.width - labelW - 1);
  const H = Math.max(3, s.height - 2);
  const grid: PlotCell[][] = Array.from({ length: H }, () => Array.from({ length: W }, () => ({ ch: ' ' })));
  const col = (x: number) => Math.round(((x - s.x[0]) / (s.x[1] - s.x[0] || 1)) * (W - 1));
  const row = (y: number) => H - 1 - Math.round(((y - s.y[0]) / (s.y[1] - s.y[0] || 1)) * (H - 1));
  const put = (c: number, r: number, cell: PlotCell) => {
    if (c >= 0 && c < W && r >= 0 && r < H) grid[r][c] = cell;
  };
  if (s.band) {
    for (const [x, lo, hi] of s.band.points) {
      for (let r = row(hi); r <= row(lo); r++) put(col(x), r, { ch: BAND, colour: s.band.colour });
    }
  }
  for (const m of s.marks ?? []) for (let r = 0; r < H; r++) put(col(m.x), r, { ch: '│', colour: m.colour });
  for (const ser of s.series) {
    const pts = [...ser.points].sort((a, b) => a[0] - b[0]);
    if (ser.kind === 'line') {
      for (let i = 1; i < pts.length; i++) {
        const [c0, c1] = [col(pts[i - 1][0]), col(pts[i][0])];
        for (let c = c0 + 1; c < c1; c++) {
          const y = pts[i - 1][1] + ((pts[i][1] - pts[i - 1][1]) * (c - c0)) / (c1 - c0);
          put(c, row(y), { ch: '·', colour: ser.colour });
        }
      }
    }
    for (const [x, y] of pts) put(col(x), row(y), { ch: ser.mark, colour: ser.colour });
  }
  const yLabel = (r: number) => {
    const v = s.y[1] - ((s.y[1] - s.y[0]) * r) / (H - 1);
    return r === 0 || r === H - 1 || r === Math.floor((H - 1) / 2) ? yf(v).padStart(labelW) : ' '.repeat(labelW);
  };
  const lines: PlotCell[][] = grid.map((cells, r) => [...[...`${yLabel(r)}┤`].map((ch) => ({ ch })), ...cells]);
  lines.push([...`${' '.repeat(labelW)}└${'─'.repeat(W)}`].map((ch) => ({ ch })));
  // x labels at the ends and the middle, plus the marks' own labels
  const axis = Array.from({ length: labelW + 1 + W }, () => ' ');
  const write = (c: number, text: string) => {
    const at = Math.min(Math.max(0, labelW + 1 + c - Math.floor(text.length / 2)), axis.length - text.length);
    for (let i = 0; i < text.length; i++) axis[at + i] = text[i];
  };
  write(0, xf(s.x[0]));
  write(Math.floor((W - 1) / 2), xf((s.x[0] + s.x[1]) / 2));
  write(W - 1, xf(s.x[1]));
  lines.push(axis.map((ch) => ({ ch })));
  return lines;
}

/** A plot as plain text (tests, non-terminals). */
export const plotText = (cells: PlotCell[][]) => cells.map((r) => r.map((c) => c.ch).join('').trimEnd()).join('\n');
