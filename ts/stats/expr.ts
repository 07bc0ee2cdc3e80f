import { patsyBs } from './bspline';
import { patsyCr } from './crspline';
import type { Contrast, ContrastKind } from './contrasts';
import { column, type Frame, pythonLabel } from './frame';
import { formulaError, type Token } from './tokens';

/**
 * The Python expressions a formula's factors are written in: columns, numbers, arithmetic
 * (+ - * / // % **), comparisons and & | (true/false values are categorical, as patsy codes numpy
 * booleans), numpy's elementwise functions (np.log, log, np.exp, np.sqrt, ...), patsy's
 * C(x[, Treatment(ref) | Sum | Helmert | Poly | Diff][, levels=[...]]), I(...), Q("name") and its
 * stateful transforms center(x), standardize(x), scale(x), and the splines bs() and cr(). Parsed with Python's precedence and
 * evaluated over a frame, as patsy would evaluate them.
 */
export type Expr =
  | { k: 'num'; value: number; start: number }
  | { k: 'str'; value: string; start: number }
  | { k: 'name'; id: string; start: number }
  | { k: 'attr'; obj: Expr; name: string; start: number }
  | { k: 'call'; fn: Expr; args: Expr[]; kwargs: { name: string; value: Expr }[]; start: number }
  | { k: 'bin'; op: string; left: Expr; right: Expr; start: number }
  | { k: 'unary'; op: string; arg: Expr; start: number }
  | { k: 'list'; items: Expr[]; start: number };

/** A factor's values: numbers (NaN = missing) or categories (code -1 = missing). */
export type FactorValue =
  | { kind: 'numeric'; values: Float64Array; columns?: Float64Array[] }
  | { kind: 'categorical'; codes: Int32Array; levels: string[]; contrast: Contrast };

export function parseExpr(tokens: Token[], formula: string): Expr {
  let i = 0;
  const peek = () => tokens[i];
  const isOp = (text: string) => tokens[i]?.type === 'op' && tokens[i].text === text;
  const fail = (message: string): never => {
    throw formulaError(formula, tokens[i]?.start ?? tokens.at(-1)?.end ?? formula.length, message);
  };
  const expect = (text: string) => {
    if (!isOp(text)) fail(`expected '${text}'`);
    i++;
  };

  // Python: or < and < comparison < sum < term < unary < power < primary.
  function or(): Expr {
    let left = and();
    while (isOp('|')) {
      const t = tokens[i++];
      left = { k: 'bin', op: '|', left, right: and(), start: t.start };
    }
    return left;
  }
  function and(): Expr {
    let left = comparison();
    while (isOp('&')) {
      const t = tokens[i++];
      left = { k: 'bin', op: '&', left, right: comparison(), start: t.start };
    }
    return left;
  }
  function comparison(): Expr {
    let left = sum();
    if (COMPARE.some(isOp)) {
      const t = tokens[i++];
      left = { k: 'bin', op: t.text, left, right: sum(), start: t.start };
      if (COMPARE.some(isOp)) fail('chained comparisons are not supported; use & between two comparisons');
    }
    return left;
  }
  function sum(): Expr {
    let left = term();
    while (isOp('+') || isOp('-')) {
      const t = tokens[i++];
      left = { k: 'bin', op: t.text, left, right: term(), start: t.start };
    }
    return left;
  }
  function term(): Expr {
    let left = unary();
    while (isOp('*') || isOp('/') || isOp('//') || isOp('%')) {
      const t = tokens[i++];
      left = { k: 'bin', op: t.text, left, right: unary(), start: t.start };
    }
    return left;
  }
  function unary(): Expr {
    if (isOp('-') || isOp('+')) {
      const t = tokens[i++];
      return { k: 'unary', op: t.text, arg: unary(), start: t.start };
    }
    return power();
  }
  function power(): Expr {
    const base = primary();
    if (isOp('**')) {
      const t = tokens[i++];
      return { k: 'bin', op: '**', left: base, right: unary(), start: t.start };
    }
    return base;
  }
  function primary(): Expr {
    const t = peek();
    if (!t) return fail('expected a value');
    let e: Expr;
    if (t.type === 'number') {
      i++;
      const value = Number(t.text.replace(/_/g, ''));
      if (/[jJ]$/.test(t.text) || Number.isNaN(value)) fail(`unsupported number '${t.text}'`);
      e = { k: 'num', value, start: t.start };
    } else if (t.type === 'string') {
      i++;
      e = { k: 'str', value: unquote(t.text), start: t.start };
    } else if (t.type === 'name') {
      i++;
      e = { k: 'name', id: t.text, start: t.start };
    } else if (isOp('(')) {
      i++;
      e = or();
      expect(')');
    } else if (isOp('[')) {
      i++;
      const items: Expr[] = [];
      while (!isOp(']')) {
        items.push(or());
        if (!isOp(',')) break;
        i++;
      }
      expect(']');
      e = { k: 'list', items, start: t.start };
    } else return fail(`unexpected '${t.text}'`);
    for (;;) {
      if (isOp('.')) {
        i++;
        const n = peek();
        if (n?.type !== 'name') fail('expected a name after "."');
        i++;
        e = { k: 'attr', obj: e, name: n.text, start: e.start };
      } else if (isOp('(')) {
        i++;
        const args: Expr[] = [];
        const kwargs: { name: string; value: Expr }[] = [];
        while (!isOp(')')) {
          if (peek()?.type === 'name' && tokens[i + 1]?.type === 'op' && tokens[i + 1].text === '=') {
            const name = tokens[i].text;
            i += 2;
            kwargs.push({ name, value: or() });
          } else {
            if (kwargs.length) fail('positional argument after a keyword argument');
            args.push(or());
          }
          if (!isOp(',')) break;
          i++;
        }
        expect(')');
        e = { k: 'call', fn: e, args, kwargs, start: e.start };
      } else return e;
    }
  }

  const e = or();
  if (i < tokens.length) fail(`unexpected '${tokens[i].text}'`);
  return e;
}

const COMPARE = ['<', '>', '<=', '>=', '==', '!='];

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
}

/** numpy's elementwise functions by the names formulas use (np.log, numpy.log, or bare log). */
const FUNCTIONS: Record<string, (x: number) => number> = {
  log: Math.log,
  log10: Math.log10,
  log2: Math.log2,
  log1p: Math.log1p,
  exp: Math.exp,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  abs: Math.abs,
  fabs: Math.abs,
  square: (x) => x * x,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  tanh: Math.tanh,
  arctan: Math.atan,
};
const BARE = new Set(['log', 'exp', 'sqrt', 'abs']);

/** Value during evaluation: a scalar, a numeric column, or categories. */
type Value = number | Float64Array | { cat: FactorValue & { kind: 'categorical' } } | { bool: Uint8Array } | { matrix: Float64Array[] } | string;

export interface EvalContext {
  frame: Frame;
  formula: string;
}

export function evalFactor(e: Expr, ctx: EvalContext): FactorValue {
  const v = evaluate(e, ctx);
  if (typeof v === 'number') return { kind: 'numeric', values: new Float64Array(ctx.frame.rows).fill(v) };
  if (typeof v === 'string') throw formulaError(ctx.formula, e.start, 'a string is not a factor');
  if (v instanceof Float64Array) return { kind: 'numeric', values: v };
  if ('bool' in v) return booleanCategories(v.bool);
  // A spline basis: several columns, named factor[0], factor[1], ... as patsy names them.
  if ('matrix' in v) return { kind: 'numeric', values: v.matrix[0], columns: v.matrix };
  return v.cat;
}

/** A numpy boolean array as patsy codes it: categories False and True (both, always), True = 1. */
function booleanCategories(b: Uint8Array): FactorValue & { kind: 'categorical' } {
  return { kind: 'categorical', codes: Int32Array.from(b), levels: ['False', 'True'], contrast: { kind: 'Treatment', level: 0 } };
}

function functionName(fn: Expr): string | undefined {
  if (fn.k === 'name') return fn.id;
  if (fn.k === 'attr' && fn.obj.k === 'name' && (fn.obj.id === 'np' || fn.obj.id === 'numpy')) return `np.${fn.name}`;
  return undefined;
}

function evaluate(e: Expr, ctx: EvalContext): Value {
  const err = (at: Expr, message: string) => formulaError(ctx.formula, at.start, message);
  switch (e.k) {
    case 'num':
      return e.value;
    case 'str':
      return e.value;
    case 'name': {
      if (!ctx.frame.columns.has(e.id)) {
        throw err(e, `unknown column '${e.id}' (columns: ${[...ctx.frame.columns.keys()].join(', ')})`);
      }
      return columnValue(ctx.frame, e.id);
    }
    case 'attr': {
      const constant = functionName(e) === 'np.pi' ? Math.PI : functionName(e) === 'np.e' ? Math.E : undefined;
      if (constant === undefined) throw err(e, `unsupported name '${functionName(e) ?? e.name}'`);
      return constant;
    }
    case 'unary': {
      const a = numeric(evaluate(e.arg, ctx), e.arg, ctx);
      return e.op === '-' ? map(a, (x) => -x) : a;
    }
    case 'list':
      throw err(e, 'a list is only allowed as C(x, levels=[...])');
    case 'bin': {
      const a = numeric(evaluate(e.left, ctx), e.left, ctx);
      const b = numeric(evaluate(e.right, ctx), e.right, ctx);
      const cmp = COMPARISON[e.op];
      if (cmp) {
        // numpy: a comparison with NaN is False, not missing.
        const n = typeof a === 'number' ? (typeof b === 'number' ? ctx.frame.rows : b.length) : a.length;
        const out = new Uint8Array(n);
        for (let r = 0; r < n; r++) out[r] = cmp(typeof a === 'number' ? a : a[r], typeof b === 'number' ? b : b[r]) ? 1 : 0;
        return { bool: out };
      }
      const op = ARITHMETIC[e.op];
      if (!op) throw err(e, `unsupported operator '${e.op}'`);
      return zip(a, b, op);
    }
    case 'call': {
      const name = functionName(e.fn);
      if (name === 'I') {
        if (e.args.length !== 1 || e.kwargs.length) throw err(e, 'I() takes one expression');
        const inner = evaluate(e.args[0], ctx);
        // A comparison stays true/false (a categorical factor, as patsy codes numpy booleans).
        return typeof inner === 'object' && 'bool' in inner ? inner : numeric(inner, e.args[0], ctx);
      }
      if (name === 'Q') {
        const a = e.args[0];
        if (e.args.length !== 1 || a.k !== 'str') throw err(e, 'Q() takes one quoted column name');
        if (!ctx.frame.columns.has(a.value)) throw err(a, `unknown column '${a.value}' (columns: ${[...ctx.frame.columns.keys()].join(', ')})`);
        return columnValue(ctx.frame, a.value);
      }
      if (name === 'C') return { cat: categorical(e, ctx) };
      if (name === 'center' || name === 'standardize' || name === 'scale') return stateful(name, e, ctx);
      if (name === 'bs') return { matrix: bs(e, ctx) };
      if (name === 'cr') return { matrix: cr(e, ctx) };
      const f = name && (name.startsWith('np.') ? FUNCTIONS[name.slice(3)] : BARE.has(name) ? FUNCTIONS[name] : undefined);
      if (!f) throw err(e, `unknown function '${name ?? 'expression'}' (known: C, I, Q, center, standardize, scale, bs, cr, ${Object.keys(FUNCTIONS).map((n) => `np.${n}`).join(', ')}, log, exp, sqrt, abs)`);
      if (e.args.length !== 1 || e.kwargs.length) throw err(e, `${name}() takes one argument`);
      return map(numeric(evaluate(e.args[0], ctx), e.args[0], ctx), f);
    }
  }
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '//': (a, b) => Math.floor(a / b),
  // Python's modulo takes the divisor's sign.
  '%': (a, b) => a - b * Math.floor(a / b),
  '**': (a, b) => a ** b,
};

const COMPARISON: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  // On true/false values (1/0): numpy's elementwise and / or.
  '&': (a, b) => a !== 0 && b !== 0,
  '|': (a, b) => a !== 0 || b !== 0,
};

/**
 * patsy's stateful transforms: center(x) = x - mean, standardize(x) = scale(x) = (x - mean) / std
 * (ddof 0 unless given; center=False or rescale=False switch a step off). Like patsy, the mean and
 * std come from every row of the data, before rows with a missing value elsewhere are dropped.
 */
function stateful(name: string, e: Expr & { k: 'call' }, ctx: EvalContext): Float64Array {
  const err = (at: Expr, message: string) => formulaError(ctx.formula, at.start, message);
  if (e.args.length !== 1) throw err(e, `${name}() takes one variable`);
  const opts: Record<string, number | boolean> = { center: true, rescale: name !== 'center', ddof: 0 };
  for (const { name: k, value } of e.kwargs) {
    const allowed = name === 'center' ? [] : ['center', 'rescale', 'ddof'];
    if (!allowed.includes(k)) throw err(value, `${name}() has no argument '${k}'${allowed.length ? ` (arguments: ${allowed.join(', ')})` : ''}`);
    if (k === 'ddof' && value.k === 'num') opts.ddof = value.value;
    else if (k !== 'ddof' && value.k === 'name' && (value.id === 'True' || value.id === 'False')) opts[k] = value.id === 'True';
    else throw err(value, `${name}(${k}=...) needs ${k === 'ddof' ? 'a number' : 'True or False'}`);
  }
  const x = numeric(evaluate(e.args[0], ctx), e.args[0], ctx);
  const v = typeof x === 'number' ? new Float64Array(ctx.frame.rows).fill(x) : x;
  // patsy sums in long double; compensated sums give the same mean to the last bit or so.
  const mean = exactSum(v, (t) => t) / v.length;
  const m2 = exactSum(v, (t) => (t - mean) ** 2);
  const sd = Math.sqrt(m2 / (v.length - (opts.ddof as number)));
  const shift = opts.center ? mean : 0;
  const div = opts.rescale ? sd : 1;
  return v.map((t) => (t - shift) / div);
}

/** A spline's arguments by position or keyword, None meaning not given. */
function splineArgs(e: Expr & { k: 'call' }, fn: string, names: string[], ctx: EvalContext) {
  const err = (at: Expr, message: string) => formulaError(ctx.formula, at.start, message);
  if (e.args.length < 1 || e.args.length > names.length + 1) throw err(e, `${fn}() takes a variable and ${names.map((n) => `${n}=`).join(', ')}`);
  const given = new Map<string, Expr>();
  e.args.slice(1).forEach((a, i) => given.set(names[i], a));
  for (const k of e.kwargs) {
    if (!names.includes(k.name)) throw err(k.value, `${fn}() has no argument '${k.name}' (arguments: ${names.join(', ')})`);
    given.set(k.name, k.value);
  }
  const arg = (k: string) => {
    const a = given.get(k);
    return a && !(a.k === 'name' && a.id === 'None') ? a : undefined;
  };
  const num = (k: string): number | undefined => {
    const a = arg(k);
    if (!a) return undefined;
    const v = literal(a);
    if (typeof v !== 'number') throw err(a, `${fn}(${k}=...) needs a number`);
    return v;
  };
  const list = (k: string): number[] | undefined => {
    const a = arg(k);
    if (!a) return undefined;
    if (a.k !== 'list') throw err(a, `${k}= needs a list of numbers`);
    return a.items.map((item) => {
      const v = literal(item);
      if (typeof v !== 'number') throw err(item, `a knot must be a number`);
      return v;
    });
  };
  const x = numeric(evaluate(e.args[0], ctx), e.args[0], ctx);
  const values = typeof x === 'number' ? new Float64Array(ctx.frame.rows).fill(x) : x;
  return { arg, num, list, values, fail: (m: string) => err(e, m) };
}

/** bs(x, df=None, knots=None, degree=3, include_intercept=False, lower_bound=None, upper_bound=None). */
function bs(e: Expr & { k: 'call' }, ctx: EvalContext): Float64Array[] {
  const a = splineArgs(e, 'bs', ['df', 'knots', 'degree', 'include_intercept', 'lower_bound', 'upper_bound'], ctx);
  const ii = a.arg('include_intercept');
  if (ii && typeof literal(ii) !== 'boolean') throw formulaError(ctx.formula, ii.start, 'include_intercept= needs True or False');
  return patsyBs(a.values, { df: a.num('df'), knots: a.list('knots'), degree: a.num('degree') ?? 3, includeIntercept: ii ? literal(ii) === true : false, lowerBound: a.num('lower_bound'), upperBound: a.num('upper_bound') }, a.fail);
}

/** cr(x, df=None, knots=None, lower_bound=None, upper_bound=None, constraints=None | 'center'). */
function cr(e: Expr & { k: 'call' }, ctx: EvalContext): Float64Array[] {
  const a = splineArgs(e, 'cr', ['df', 'knots', 'lower_bound', 'upper_bound', 'constraints'], ctx);
  const c = a.arg('constraints');
  if (c && !(c.k === 'str' && c.value === 'center')) throw formulaError(ctx.formula, c.start, "cr(constraints=...) supports 'center' only");
  return patsyCr(a.values, { df: a.num('df'), knots: a.list('knots'), lowerBound: a.num('lower_bound'), upperBound: a.num('upper_bound'), center: !!c }, a.fail);
}

/** Neumaier's compensated sum of f over v. */
function exactSum(v: Float64Array, f: (t: number) => number): number {
  let sum = 0;
  let carry = 0;
  for (let i = 0; i < v.length; i++) {
    const t = f(v[i]);
    const next = sum + t;
    carry += Math.abs(sum) >= Math.abs(t) ? sum - next + t : t - next + sum;
    sum = next;
  }
  return sum + carry;
}

function numeric(v: Value, at: Expr, ctx: EvalContext): number | Float64Array {
  if (typeof v === 'number' || v instanceof Float64Array) return v;
  if (typeof v === 'object' && 'bool' in v) return Float64Array.from(v.bool);
  throw formulaError(ctx.formula, at.start, typeof v === 'string' ? 'a string cannot take part in arithmetic' : 'matrix' in v ? 'a spline basis cannot take part in arithmetic' : 'a categorical value cannot take part in arithmetic');
}

function map(a: number | Float64Array, f: (x: number) => number): number | Float64Array {
  return typeof a === 'number' ? f(a) : a.map(f);
}

function zip(a: number | Float64Array, b: number | Float64Array, f: (x: number, y: number) => number) {
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  const n = typeof a === 'number' ? (b as Float64Array).length : a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(typeof a === 'number' ? a : a[i], typeof b === 'number' ? b : b[i]);
  return out;
}

type Raw = (string | number | boolean | null)[];
type Level = string | number | boolean;

/**
 * Categories with patsy's levels: the sorted distinct values (numbers numerically, strings by
 * code point, False before True) or the levels given, labelled as Python prints them.
 */
function categories(values: Raw, integer: boolean, given: { levels: Level[]; at: number } | undefined, ctx: EvalContext) {
  let distinct: Level[];
  if (given) distinct = given.levels;
  else {
    distinct = [...new Set(values.filter((v): v is Level => v !== null && !(typeof v === 'number' && Number.isNaN(v))))];
    distinct.sort((a, b) => (typeof a === 'string' || typeof b === 'string' ? (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0) : Number(a) - Number(b)));
  }
  const index = new Map<Level, number>(distinct.map((v, i) => [v, i]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) codes[i] = -1;
    else {
      const c = index.get(v);
      if (c === undefined) {
        throw formulaError(ctx.formula, given!.at, `row ${i + 1} of ${ctx.frame.source} has the value ${pythonLabel(v, integer)}, which is not among levels=[${distinct.map((l) => pythonLabel(l, integer)).join(', ')}]`);
      }
      codes[i] = c;
    }
  }
  return { codes, distinct, levels: distinct.map((v) => pythonLabel(v, integer)) };
}

/** A literal level: a number, a quoted string, True or False. */
function literal(e: Expr): Level | undefined {
  if (e.k === 'num' || e.k === 'str') return e.value;
  if (e.k === 'unary' && e.op === '-' && e.arg.k === 'num') return -e.arg.value;
  if (e.k === 'name' && (e.id === 'True' || e.id === 'False')) return e.id === 'True';
  return undefined;
}

const CONTRASTS: ContrastKind[] = ['Treatment', 'Sum', 'Helmert', 'Poly', 'Diff'];

/**
 * C(x), C(x, levels=[...]), C(x, Treatment | Treatment(ref) | Treatment(reference=ref) | Sum |
 * Sum(omit=level) | Helmert | Poly | Diff), the contrast also as contrast=...
 */
function categorical(e: Expr & { k: 'call' }, ctx: EvalContext): FactorValue & { kind: 'categorical' } {
  const err = (at: Expr, message: string) => formulaError(ctx.formula, at.start, message);
  const usage = 'C() takes a variable, optionally a contrast (Treatment, Sum, Helmert, Poly, Diff) and levels=[...]';
  const unknown = e.kwargs.find((k) => k.name !== 'levels' && k.name !== 'contrast');
  if (e.args.length < 1 || e.args.length > 2 || unknown) throw err(unknown?.value ?? e, usage);
  const spec = e.args[1] ?? e.kwargs.find((k) => k.name === 'contrast')?.value;
  const levelsArg = e.kwargs.find((k) => k.name === 'levels')?.value;
  let given: { levels: Level[]; at: number } | undefined;
  if (levelsArg) {
    if (levelsArg.k !== 'list' || !levelsArg.items.length) throw err(levelsArg, 'levels= needs a list of levels, e.g. levels=[3, 1, 2]');
    const levels = levelsArg.items.map((item) => {
      const v = literal(item);
      if (v === undefined) throw err(item, 'a level must be a number, a quoted string, True or False');
      return v;
    });
    if (new Set(levels).size < levels.length) throw err(levelsArg, 'levels= lists a level twice');
    given = { levels, at: levelsArg.start };
  }

  // The values: a bare column keeps its own type (integers label as 5, floats as 5.0); expressions are floats.
  const inner = e.args[0];
  let raw: Raw;
  let integer = false;
  if (inner.k === 'name' && ctx.frame.columns.has(inner.id)) {
    const c = column(ctx.frame, inner.id);
    if (c.kind === 'number') {
      raw = Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
      integer = c.integer;
    } else raw = c.values;
  } else {
    const v = evaluate(inner, ctx);
    if (typeof v === 'number' || typeof v === 'string') throw err(inner, 'C() needs a column');
    if (v instanceof Float64Array) raw = Array.from(v, (x) => (Number.isNaN(x) ? null : x));
    else if ('bool' in v) raw = Array.from(v.bool, (b) => b === 1);
    else if ('matrix' in v) throw err(inner, 'C() of a spline basis makes no sense; give C() one column');
    else raw = Array.from(v.cat.codes, (c) => (c < 0 ? null : v.cat.levels[c]));
  }
  if (!given && raw.every((v) => v === null || typeof v === 'boolean')) given = { levels: [false, true], at: inner.start };
  const { codes, distinct, levels } = categories(raw, integer, given, ctx);

  let contrast: Contrast = { kind: 'Treatment', level: 0 };
  if (spec) {
    const name = spec.k === 'call' ? functionName(spec.fn) : functionName(spec);
    if (!name || !CONTRASTS.includes(name as ContrastKind)) throw err(spec, `contrast '${name ?? 'expression'}' is not supported (Treatment, Sum, Helmert, Poly, Diff)`);
    const kind = name as ContrastKind;
    contrast = { kind, level: kind === 'Treatment' ? 0 : undefined };
    if (spec.k === 'call' && (spec.args.length || spec.kwargs.length)) {
      const keyword = kind === 'Treatment' ? 'reference' : kind === 'Sum' ? 'omit' : undefined;
      if (!keyword) throw err(spec, `${kind}() takes no arguments here (Poly scores are not supported)`);
      const arg = spec.args[0] ?? spec.kwargs.find((k) => k.name === keyword)?.value;
      if (!arg || spec.args.length + spec.kwargs.length > 1) throw err(spec, `${kind}() takes one ${keyword} level`);
      const v = literal(arg);
      if (v === undefined) throw err(arg, `the ${keyword} level must be a number, a quoted string, True or False`);
      let at = distinct.findIndex((l) => l === v || pythonLabel(l, integer) === String(v) || (typeof l === 'boolean' && String(v) === pythonLabel(l)));
      // patsy's _get_level: an integer that is not a level counts as an index (negative from the end).
      if (at < 0 && typeof v === 'number' && Number.isInteger(v) && v >= -levels.length && v < levels.length) at = (v + levels.length) % levels.length;
      if (at < 0) throw err(arg, `${keyword} level ${JSON.stringify(v)} is not a level (levels: ${levels.join(', ')})`);
      contrast.level = at;
    }
  }
  return { kind: 'categorical', codes, levels, contrast };
}

/** A column as a value: numbers stay numbers; text and booleans are categories, as in patsy. */
function columnValue(frame: Frame, name: string): Value {
  const c = column(frame, name);
  if (c.kind === 'number') return c.values;
  const raw: Raw = c.values;
  const { codes, levels } = categories(raw, false, c.kind === 'bool' ? { levels: [false, true], at: 0 } : undefined, { frame, formula: '' });
  return { cat: { kind: 'categorical', codes, levels, contrast: { kind: 'Treatment', level: 0 } } };
}
