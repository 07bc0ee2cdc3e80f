/**
 * patsy's contrast codings (patsy/contrasts.py): how a categorical factor's levels become columns,
 * with patsy's column suffixes. Each coding has two forms: without an intercept (a lower-order
 * term spans the constant: k - 1 columns) and with one (the factor is coded in full: k columns).
 */
export type ContrastKind = 'Treatment' | 'Sum' | 'Helmert' | 'Poly' | 'Diff';

export interface Contrast {
  kind: ContrastKind;
  /** Treatment's reference level, Sum's omitted level (an index into the levels). */
  level?: number;
}

export interface ContrastMatrix {
  /** rows: levels; columns: the coded columns. */
  matrix: number[][];
  suffixes: string[];
}

const named = (prefix: string, levels: string[]) => levels.map((l) => `[${prefix}${l}]`);
const withOnes = (m: number[][]) => m.map((row) => [1, ...row]);

export function contrastMatrix(c: Contrast, levels: string[], intercept: boolean): ContrastMatrix {
  const n = levels.length;
  switch (c.kind) {
    case 'Treatment': {
      if (intercept) return { matrix: levels.map((_, i) => levels.map((__, j) => (i === j ? 1 : 0))), suffixes: named('', levels) };
      const ref = c.level ?? 0;
      const kept = levels.map((_, i) => i).filter((i) => i !== ref);
      return { matrix: levels.map((_, i) => kept.map((j) => (i === j ? 1 : 0))), suffixes: named('T.', kept.map((j) => levels[j])) };
    }
    case 'Sum': {
      // Deviation coding: the omitted level (the last by default) is -1 in every column.
      const omit = c.level ?? n - 1;
      const kept = levels.map((_, i) => i).filter((i) => i !== omit);
      const matrix = levels.map((_, i) => kept.map((j) => (i === omit ? -1 : i === j ? 1 : 0)));
      const suffixes = named('S.', kept.map((j) => levels[j]));
      return intercept ? { matrix: withOnes(matrix), suffixes: ['[mean]', ...suffixes] } : { matrix, suffixes };
    }
    case 'Helmert': {
      // Column j: -1 for the levels up to j, j + 1 for level j + 1, 0 after (R's contr.helmert).
      const matrix = levels.map((_, i) => Array.from({ length: n - 1 }, (__, j) => (i <= j ? -1 : i === j + 1 ? j + 1 : 0)));
      return intercept ? { matrix: withOnes(matrix), suffixes: named('H.', ['intercept', ...levels.slice(1)]) } : { matrix, suffixes: named('H.', levels.slice(1)) };
    }
    case 'Diff': {
      // Backward differences: column j is (j + 1 - n) / n up to level j, (j + 1) / n after.
      const matrix = levels.map((_, i) => Array.from({ length: n - 1 }, (__, j) => (i <= j ? (j + 1 - n) / n : (j + 1) / n)));
      return intercept ? { matrix: withOnes(matrix), suffixes: named('D.', levels) } : { matrix, suffixes: named('D.', levels.slice(0, -1)) };
    }
    case 'Poly': {
      // Orthonormal polynomials in the centred scores 0..n-1, signs as the QR's positive diagonal.
      const scores = levels.map((_, i) => i - (n - 1) / 2);
      const q: number[][] = [];
      for (let d = 0; d < n; d++) {
        let v = scores.map((s) => s ** d);
        // Gram-Schmidt, twice, against the columns before.
        for (let pass = 0; pass < 2; pass++) {
          for (const u of q) {
            const dot = v.reduce((a, x, i) => a + x * u[i], 0);
            v = v.map((x, i) => x - dot * u[i]);
          }
        }
        const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
        q.push(v.map((x) => x / norm));
      }
      const names = ['.Constant', '.Linear', '.Quadratic', '.Cubic', ...Array.from({ length: Math.max(0, n - 4) }, (_, i) => `^${i + 4}`)].slice(0, n);
      const matrix = levels.map((_, i) => q.map((col, d) => (d === 0 ? 1 : col[i])));
      return intercept ? { matrix, suffixes: names } : { matrix: matrix.map((row) => row.slice(1)), suffixes: names.slice(1) };
    }
  }
}
