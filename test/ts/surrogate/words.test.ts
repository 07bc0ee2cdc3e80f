import { describe, expect, it } from 'vitest';
import { diceText, int } from '../../../ts/surrogate/words';
import { rng } from '../../../ts/surrogate/random';

// int writes sizes without ICU's number formatter (a CLI start saves its start-up); it must write
// what toLocaleString('en-US') writes, signs, rounding and separators included
describe('int', () => {
  it("writes what Math.round(n).toLocaleString('en-US') writes", () => {
    const r = rng(3);
    const xs = [0, -0, 0.4, -0.4, 0.5, -0.5, 1.5, -1.5, 999.5, 1000, -1000, 1234567.89, -1234567.5, 2 ** 53 - 1, 2 ** 53, 1e21, -1e25, NaN, Infinity, -Infinity];
    for (let i = 0; i < 20000; i++) xs.push((r() - 0.5) * 10 ** (r() * 18));
    for (const x of xs) expect(int(x), String(x)).toBe(Math.round(x).toLocaleString('en-US'));
  });
});

describe('diceText', () => {
  it('writes a typed target as typed and a worked-out one without its float tail', () => {
    for (const typed of ['0.9', '0.85', '0.8675', '0.99999', '1', '0']) expect(diceText(Number(typed))).toBe(typed);
    expect(diceText(0.8675800000000001)).toBe('0.86758');
    expect(diceText(0.1 + 0.2)).toBe('0.3');
  });
});
