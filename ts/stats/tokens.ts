import { UserError } from '../errors';

/**
 * Python's tokens, the subset a patsy formula can hold: names, numbers, strings and operators,
 * each with its offset in the formula so that errors can point at it.
 */
export type TokenType = 'name' | 'number' | 'string' | 'op';
export interface Token {
  type: TokenType;
  text: string;
  start: number;
  end: number;
}

// Longest first, so that '**' is not read as two '*'.
const OPERATORS = ['**', '//', '==', '!=', '<=', '>=', '<<', '>>', '+', '-', '*', '/', '%', '(', ')', '[', ']', '{', '}', ',', ':', '.', '~', '=', '<', '>', '&', '|', '^', '@', '!'];
const NUMBER = /^(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * A formula or data error, on one line as every error is, with ▸ marking the offending position in
 * the formula (a caret on a line of its own would be a second and third line).
 */
export function formulaError(formula: string, start: number, message: string): UserError {
  const col = Math.max(0, Math.min(start, formula.length));
  return new UserError(`formula position ${col + 1}: ${message}, at ▸ in '${formula.slice(0, col)}▸${formula.slice(col)}'`);
}

export function tokenize(code: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') throw formulaError(code, i, 'comments are not allowed');
    const rest = code.slice(i);
    const num = NUMBER.exec(rest);
    if (num && !(c === '.' && !/\d/.test(rest[1] ?? ''))) {
      out.push({ type: 'number', text: num[0], start: i, end: i + num[0].length });
      i += num[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      out.push({ type: 'name', text: name[0], start: i, end: i + name[0].length });
      i += name[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < code.length && code[j] !== c) j += code[j] === '\\' ? 2 : 1;
      if (j >= code.length) throw formulaError(code, i, 'unterminated string');
      out.push({ type: 'string', text: code.slice(i, j + 1), start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (!op) throw formulaError(code, i, `unexpected character '${c}'`);
    out.push({ type: 'op', text: op, start: i, end: i + op.length });
    i += op.length;
  }
  return out;
}

// patsy's pretty_untokenize (patsy/tokens.py): the spacing rules that make factor names such as
// 'I(x ** 2)' or 'C(g, Treatment("b"))', whatever spacing the user typed.
const SPACE_BOTH = new Set(['+', '-', '*', '/', '%', '&', '^', '|', '<', '>', '==', '<>', '!=', '<=', '>=', '<<', '>>', '**', '//']);
const SPACE_BEFORE = new Set([...SPACE_BOTH, '!', '~']);
const SPACE_AFTER = new Set([...SPACE_BOTH, ',', ':']);

export function prettyCode(tokens: Token[]): string {
  const text: string[] = [];
  let prevWasSpaceDelim = false;
  let prevWantsSpace = false;
  let prevWasOpenParenOrComma = false;
  let prevWasObjectLike = false;
  const brackets: string[] = [];
  for (const { type, text: token } of tokens) {
    if (type !== 'op') {
      if (prevWantsSpace || prevWasSpaceDelim) text.push(' ');
      text.push(token);
      prevWantsSpace = false;
      prevWasSpaceDelim = true;
    } else {
      if (token === '(' || token === '[' || token === '{') brackets.push(token);
      else if (brackets.length && (token === ')' || token === ']' || token === '}')) brackets.pop();
      let before = SPACE_BEFORE.has(token);
      let after = SPACE_AFTER.has(token);
      if (token === ':' && brackets.at(-1) === '[') after = false;
      if ((token === '*' || token === '**') && prevWasOpenParenOrComma) before = after = false;
      if (token === '=' && !brackets.length) before = after = true;
      if ((token === '+' || token === '-') && !prevWasObjectLike) before = after = false;
      if (prevWantsSpace || before) text.push(' ');
      text.push(token);
      prevWantsSpace = after;
      prevWasSpaceDelim = false;
    }
    prevWasObjectLike = type !== 'op' || token === ')';
    prevWasOpenParenOrComma = token === '(' || token === ',';
  }
  return text.join('');
}
