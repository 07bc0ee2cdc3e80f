import { describe, expect, it } from 'vitest';
import { UserError } from '../../../ts/errors';
import { designMatrices } from '../../../ts/stats/design';
import { csvFrame, pythonLabel } from '../../../ts/stats/frame';
import { parseFormula, termName } from '../../../ts/stats/formula';

/**
 * The formula parser's contract beyond the golden design matrices (which check names and values
 * against patsy): errors point at the offending position, and level names print as Python does.
 */
const frame = csvFrame('y,x,g,k,f,b\n1.5,2,a,1,0.001,True\n2.5,3,b,2,1e-05,False\n3.5,4,c,5,0.1,True\n4.5,6,a,1,0.001,False\n', 'mem.csv');

function errorOf(formula: string): string {
  try {
    designMatrices(frame, formula);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).code).toBe(2);
    return (e as Error).message;
  }
  throw new Error(`no error for ${formula}`);
}

describe('formula errors name the position', () => {
  const cases: [string, RegExp][] = [
    ['y ~ x + (g', /^formula position 11: missing '\)'/],
    ['y ~ x + g)', /^formula position 10: unmatched '\)'/],
    ['y ~ x +', /^formula position 8: expected a term/],
    ['y ~ x ~ g', /^formula position 7: '~' may appear only once/],
    ['y ~ x + 2', /^formula position 9: numbers besides 0 and 1/],
    ['y ~ (1 + x):g', /^formula position 6: the intercept cannot interact/],
    ['y ~ x ** 0', /^formula position 10: '\*\*' needs a positive integer/],
    ['y ~ np.sinh(x)', /^formula position 5: unknown function 'np.sinh'/],
    ['y ~ C(g, Treatment("z"))', /^formula position 20: reference level "z" is not a level \(levels: a, b, c\)/],
    ['y ~ I(g + 1)', /^formula position 7: a categorical value cannot take part in arithmetic/],
    ['y ~ x $ g', /^formula position 7: unexpected character '\$'/],
    ['y ~ np.log(x - 2)', /^formula position 5: 'np.log\(x - 2\)' is -Infinity in row 1 of mem.csv/],
    ['g ~ x', /^formula position 1: the response 'g' is categorical/],
    ['y ~ I(1 < x < 3)', /^formula position 13: chained comparisons are not supported/],
    ['y ~ I([1, 2])', /^formula position 7: a list is only allowed as C\(x, levels=\[...\]\)/],
    ['y ~ C(g, levels=["a", "a"])', /^formula position 17: levels= lists a level twice/],
    ['y ~ C(g, Sum(omit="z"))', /^formula position 19: omit level "z" is not a level \(levels: a, b, c\)/],
    ['y ~ I(bs(x, df=3) + 1)', /^formula position 7: a spline basis cannot take part in arithmetic/],
    ['y ~ cr(x, df=3, constraints="none")', /^formula position 29: cr\(constraints=...\) supports 'center' only/],
    ['y ~ center(x, ddof=1)', /^formula position 20: center\(\) has no argument 'ddof'/],
  ];
  for (const [formula, message] of cases) it(formula, () => expect(errorOf(formula)).toMatch(message));

  it('marks the position in the formula, on one line', () => {
    expect(errorOf('y ~ x + zz')).toBe("formula position 9: unknown column 'zz' (columns: y, x, g, k, f, b), at ▸ in 'y ~ x + ▸zz'");
  });
});

describe('names as patsy prints them', () => {
  it('levels of integer, float and boolean columns print as Python str()', () => {
    expect(designMatrices(frame, 'y ~ C(k) + C(f) + b').columnNames).toEqual(['Intercept', 'C(k)[T.2]', 'C(k)[T.5]', 'C(f)[T.0.001]', 'C(f)[T.0.1]', 'b[T.True]']);
  });
  it('pythonLabel follows repr: 5.0, 1e-05, 1e+16, 0.0001', () => {
    expect([5, 1e-5, 1e16, 1e-4, 123456789012.5, -0.25, 3].map((v, i) => pythonLabel(v, i === 6))).toEqual(['5.0', '1e-05', '1e+16', '0.0001', '123456789012.5', '-0.25', '3']);
  });
  it('normalizes spacing in factor names and keeps term order', () => {
    const d = parseFormula('y~I(x**2)+np.log( x )+C(g,Treatment(reference="b"))');
    expect(d.rhs.map(termName)).toEqual(['Intercept', 'I(x ** 2)', 'np.log(x)', 'C(g, Treatment(reference="b"))']);
  });
  it('drops rows with a missing value in any variable of the model, and only those', () => {
    const f = csvFrame('y,x,g,u\n1,2,a,\n2,,b,1\n3,4,,2\n4,5,a,3\n5,6,b,4\n', 'gaps.csv');
    const d = designMatrices(f, 'y ~ x + g');
    expect(Array.from(d.rows)).toEqual([0, 3, 4]);
    // patsy puts terms without numeric factors first.
    expect(d.columnNames).toEqual(['Intercept', 'g[T.b]', 'x']);
  });
});

describe('comparisons are true/false factors, as patsy codes numpy booleans', () => {
  it('I(x > 2) gives one column I(x > 2)[T.True], 1 where the comparison holds', () => {
    const d = designMatrices(frame, 'y ~ I(x > 2)');
    expect(d.columnNames).toEqual(['Intercept', 'I(x > 2)[T.True]']);
    expect(Array.from(d.X.data.subarray(4, 8))).toEqual([0, 1, 1, 1]);
  });
  it('arithmetic on a comparison is numeric again', () => {
    const d = designMatrices(frame, 'y ~ I((x > 2) * x)');
    expect(Array.from(d.X.data.subarray(4, 8))).toEqual([0, 3, 4, 6]);
  });
});
