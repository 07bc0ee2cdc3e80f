/** How every answer writes its numbers: sizes as whole numbers with thousands separators, shares with one decimal. */
export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const pct = (f: number) => `${+(f * 100).toFixed(1)}%`;
export const f3 = (v: number) => v.toFixed(3);
export const f4 = (v: number) => v.toFixed(4);
