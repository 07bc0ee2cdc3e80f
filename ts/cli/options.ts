import { UserError } from '../errors';

/** An option parser for a number in [lo, hi] ((lo, hi] when loOpen); anything else is a UserError naming the option. */
export function numberIn(name: string, lo: number, hi: number, loOpen = false) {
  return (raw: string) => {
    const v = Number(raw);
    if (!Number.isFinite(v) || v > hi || v < lo || (loOpen && v === lo)) throw new UserError(`${name} must be a number in ${loOpen ? '(' : '['}${lo}, ${hi}] (got '${raw}')`);
    return v;
  };
}

/** An option parser for one of a list of names. */
export const oneOf = <T extends string>(name: string, all: readonly T[]) => (raw: string): T => {
  if (!(all as readonly string[]).includes(raw)) throw new UserError(`${name}: unknown '${raw}' (one of ${all.join(', ')})`);
  return raw as T;
};

/** --target-dice, as forecast, status and report take it. */
export const targetDice = numberIn('--target-dice', 0, 1);
