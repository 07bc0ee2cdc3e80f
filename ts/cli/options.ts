import { UserError } from '../errors';

/** An option parser for a number in [lo, hi] ((lo, hi] when loOpen); anything else is a UserError naming the option. */
export function numberIn(name: string, lo: number, hi: number, loOpen = false) {
  return (raw: string) => {
    // a decimal number as written: Number('') is 0 and Number('0x1') is 1, neither a number a user typed
    const v = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw) ? Number(raw) : Number.NaN;
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

/** An option parser for a whole number in [lo, hi]; '1.5', 'abc', '' and '-1' (when lo ≥ 0) are UserErrors naming the option. */
export function intIn(name: string, lo: number, hi: number) {
  return (raw: string) => {
    const v = /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(v) || v < lo || v > hi) throw new UserError(`${name} must be a whole number from ${lo} to ${hi} (got '${raw}')`);
    return v;
  };
}

/**
 * --bind: a ZeroMQ endpoint workers can connect to: tcp://HOST:PORT with a port from 1 to 65535 (or * for
 * any free one), or ipc://PATH. Anything else is a UserError before anything is written.
 */
export function endpoint(name: string) {
  return (raw: string) => {
    if (/^ipc:\/\/.+/.test(raw)) return raw;
    const m = /^tcp:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9*][A-Za-z0-9.*-]*):(\S+)$/.exec(raw);
    if (!m) throw new UserError(`${name} must be tcp://HOST:PORT or ipc://PATH, e.g. tcp://0.0.0.0:5555 (got '${raw}')`);
    const port = m[2];
    if (port !== '*' && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
      throw new UserError(`${name}: the port must be a whole number from 1 to 65535, or * for a free one (got '${port}' in '${raw}')`);
    }
    return raw;
  };
}
