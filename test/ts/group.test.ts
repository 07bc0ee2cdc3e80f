import { describe, expect, it } from 'vitest';
import { groupBy } from '../../ts/group';

describe('groupBy', () => {
  it('groups in first-seen order, rows in their order, with keys of any kind (null a key of its own)', () => {
    const rows = [{ fold: 1, n: 10 }, { fold: null, n: 11 }, { fold: 0, n: 12 }, { fold: 1, n: 13 }, { fold: null, n: 14 }];
    const g = groupBy(rows, (r) => r.fold);
    expect([...g.keys()]).toEqual([1, null, 0]);
    expect([...g.values()].map((rs) => rs.map((r) => r.n))).toEqual([[10, 13], [11, 14], [12]]);
    expect(groupBy([], (r) => r)).toEqual(new Map());
  });
});
