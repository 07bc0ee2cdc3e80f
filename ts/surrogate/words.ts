/** How every answer writes its numbers: sizes as whole numbers with thousands separators, shares with one decimal. */
export const int = (n: number) => {
  // what toLocaleString('en-US') writes, without starting ICU's number formatter (about 0.01 s of a CLI start);
  // -0, unsafe and non-finite values are left to it
  const r = Math.round(n);
  if (!Number.isSafeInteger(r) || Object.is(r, -0)) return r.toLocaleString('en-US');
  const digits = String(Math.abs(r)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return r < 0 ? `-${digits}` : digits;
};
export const pct = (f: number) => `${+(f * 100).toFixed(1)}%`;
export const f3 = (v: number) => v.toFixed(3);
export const f4 = (v: number) => v.toFixed(4);
/** A Dice as given, to 6 significant digits: a target worked out from data (0.8675800000000001) prints as 0.86758, one typed (0.9) as typed. */
export const diceText = (d: number) => String(+d.toPrecision(6));
