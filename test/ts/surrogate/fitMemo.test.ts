import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keepFitsIn, remembered } from '../../../ts/surrogate/fitMemo';
import { tmp } from '../helpers';

afterEach(() => keepFitsIn(null));

describe('the folder of kept fits', () => {
  it('is pruned to half, oldest first, once it holds more pieces than it keeps', () => {
    const dir = tmp('plateau-fits-');
    for (let i = 0; i < 10; i++) {
      writeFileSync(join(dir, `fit-${i}.json`), '{}');
      utimesSync(join(dir, `fit-${i}.json`), 1000 + i, 1000 + i);
    }
    keepFitsIn(dir, 12);
    expect(readdirSync(dir)).toHaveLength(10);
    keepFitsIn(dir, 6);
    expect(readdirSync(dir).sort()).toEqual(['fit-7.json', 'fit-8.json', 'fit-9.json']);
  });

  it('reads a kept piece back instead of computing it again', () => {
    keepFitsIn(tmp('plateau-fits-'));
    let computed = 0;
    const piece = () => remembered('t', () => 'stamp', { n: [1, 2] }, () => (computed++, [-0, Number.NaN, 0.1]), (v) => v, (v) => v);
    const a = piece();
    const b = piece();
    expect(computed).toBe(1);
    expect(Object.is(b[0], -0) && Number.isNaN(b[1]) && b[2] === 0.1).toBe(true);
    expect(b).not.toBe(a);
  });
});
