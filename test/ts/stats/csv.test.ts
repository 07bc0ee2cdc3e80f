import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../ts/stats/csv';
import { csvFrame } from '../../../ts/stats/frame';

/** The CSV reader (papaparse) and pandas' typing rules on the cases that trip CSV readers. */
describe('CSV reading', () => {
  it('quoted fields keep commas, quotes and line breaks; CRLF, a byte-order mark and blank lines are handled', () => {
    const text = '\ufeffa,b\r\n"x, y","say ""hi"""\r\n\r\n"two\nlines",3\r\n';
    expect(parseCsv(text, 'q.csv')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['two\nlines', '3']]);
  });
  it('an unclosed quote names its line; a short row names its line and the counts', () => {
    expect(() => parseCsv('a,b\n1,2\n3,"4\n5,6\n', 'open.csv')).toThrow(/open.csv: line 3: a quoted field is not closed/);
    expect(() => csvFrame('a,b\n1,2\n3\n', 'short.csv')).toThrow(/short.csv: line 3 has 1 fields, the header has 2/);
  });
  it("types columns as pandas: integers apart from floats, NA markers, inf, booleans, text", () => {
    const f = csvFrame('i,f,na,inf,b,t\n1,1.5,NA,inf,True,x\n-2,2,3,-Infinity,false,\n', 'types.csv');
    const col = (k: string) => f.columns.get(k)!;
    expect(col('i')).toEqual({ kind: 'number', values: Float64Array.from([1, -2]), integer: true });
    expect(col('f')).toEqual({ kind: 'number', values: Float64Array.from([1.5, 2]), integer: false });
    // a missing value makes an integer column float, as pandas does
    expect(col('na')).toEqual({ kind: 'number', values: Float64Array.from([NaN, 3]), integer: false });
    expect(col('inf')).toEqual({ kind: 'number', values: Float64Array.from([Infinity, -Infinity]), integer: false });
    expect(col('b')).toEqual({ kind: 'bool', values: [true, false] });
    expect(col('t')).toEqual({ kind: 'text', values: ['x', null] });
  });
});
