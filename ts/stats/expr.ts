import { column, type Frame, pythonLabel } from './frame';
import { formulaError, type Token } from './tokens';

/**
 * The Python expressions a formula's factors are written in: columns, numbers, arithmetic
 * (+ - * / // % **), numpy's elementwise functions (np.log, log, np.exp, np.sqrt, ...), and
 * patsy's C(x[, Treatment(ref)]), I(...) and Q("name"). Parsed with Python's precedence and
 * evaluated over a frame, as patsy would evaluate them.
 */
export type Expr =
  | { k: 'num'; value: number; start: number }
  | { k: 'str'; value: string; start: number }
  | { k: 'name'; id: string; start: number }
  | { k: 'attr'; obj: Expr; name: string; start: number }
  | { k: 'call'; fn: Expr; args: Expr[]; kwargs: { name: string; value: Expr }[]; start: number }
  | { k: 'bin'; op: string; left: Expr; right: Expr; start: number }
  | { k: 'unary'; op: string; arg: Expr; start: number };

/** A factor's values: numbers (NaN = missing) or categories (code -1 = missing). */
export type FactorValue =
  | { kind: 'numeric'; values: Float64Array }
  | { kind: 'categorical'; codes: Int32Array; levels: string[]; reference: number };

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

  // Python: sum < term < unary < power < primary.
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
      e = sum();
      expect(')');
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
            kwargs.push({ name, value: sum() });
          } else {
            if (kwargs.length) fail('positional argument after a keyword argument');
            args.push(sum());
          }
          if (!isOp(',')) break;
          i++;
        }
        expect(')');
        e = { k: 'call', fn: e, args, kwargs, start: e.start };
      } else return e;
    }
  }

  const e = sum();
  if (i < tokens.length) fail(`unexpected '${tokens[i].text}'`);
  return e;
}

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
type Value = number | Float64Array | { cat: FactorValue & { kind: 'categorical' } } | string;

export interface EvalContext {
  frame: Frame;
  formula: string;
}

export function evalFactor(e: Expr, ctx: EvalContext): FactorValue {
  const v = evaluate(e, ctx);
  if (typeof v === 'number') return { kind: 'numeric', values: new Float64Array(ctx.frame.rows).fill(v) };
  if (typeof v === 'string') throw formulaError(ctx.formula, e.start, 'a string is not a factor');
  if (v instanceof Float64Array) return { kind: 'numeric', values: v };
  return v.cat;
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
    case 'bin': {
      const a = numeric(evaluate(e.left, ctx), e.left, ctx);
      const b = numeric(evaluate(e.right, ctx), e.right, ctx);
      const op = ARITHMETIC[e.op];
      if (!op) throw err(e, `unsupported operator '${e.op}'`);
      return zip(a, b, op);
    }
    case 'call': {
      const name = functionName(e.fn);
      if (name === 'I') {
        if (e.args.length !== 1 || e.kwargs.length) throw err(e, 'I() takes one expression');
        return numeric(evaluate(e.args[0], ctx), e.args[0], ctx);
      }
      if (name === 'Q') {
        const a = e.args[0];
        if (e.args.length !== 1 || a.k !== 'str') throw err(e, 'Q() takes one quoted column name');
        if (!ctx.frame.columns.has(a.value)) throw err(a, `unknown column '${a.value}' (columns: ${[...ctx.frame.columns.keys()].join(', ')})`);
        return columnValue(ctx.frame, a.value);
      }
      if (name === 'C') return { cat: categorical(e, ctx) };
      const f = name && (name.startsWith('np.') ? FUNCTIONS[name.slice(3)] : BARE.has(name) ? FUNCTIONS[name] : undefined);
      if (!f) throw err(e, `unknown function '${name ?? 'expression'}' (known: C, I, Q, ${Object.keys(FUNCTIONS).map((n) => `np.${n}`).join(', ')}, log, exp, sqrt, abs)`);
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

function numeric(v: Value, at: Expr, ctx: EvalContext): number | Float64Array {
  if (typeof v === 'number' || v instanceof Float64Array) return v;
  throw formulaError(ctx.formula, at.start, typeof v === 'string' ? 'a string cannot take part in arithmetic' : 'a categorical value cannot take part in arithmetic');
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

/** A column as a value: numbers stay numbers; text and booleans are categories, as in patsy. */
function columnValue(frame: Frame, name: string): Value {
  const c = column(frame, name);
  if (c.kind === 'number') return c.values;
  return { cat: categories(c.kind === 'bool' ? c.values.map((v) => (v === null ? null : v)) : c.values, false) };
}

type Raw = (string | number | boolean | null)[];

/**
 * Categories with patsy's levels: the sorted distinct values (numbers numerically, strings by
 * code point, False before True), labelled as Python prints them.
 */
function categories(values: Raw, integer: boolean, reference?: { value: string | number; at: number; formula: string }) {
  const distinct = [...new Set(values.filter((v) => v !== null && !(typeof v === 'number' && Number.isNaN(v))))];
  distinct.sort((a, b) => (typeof a === 'string' || typeof b === 'string' ? (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0) : Number(a) - Number(b)));
  const index = new Map(distinct.map((v, i) => [v, i]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = values[i] === null ? -1 : (index.get(values[i]!) ?? -1);
  const levels = distinct.map((v) => pythonLabel(v as number | string | boolean, integer));
  let ref = 0;
  if (reference) {
    ref = distinct.findIndex((v) => v === reference.value || (typeof v === 'boolean' && String(reference.value) === pythonLabel(v)));
    if (ref < 0) throw formulaError(reference.formula, reference.at, `reference level ${JSON.stringify(reference.value)} is not a level (levels: ${levels.join(', ')})`);
  }
  return { kind: 'categorical' as const, codes, levels, reference: ref };
}

/** C(x), C(x, Treatment), C(x, Treatment(ref)), C(x, Treatment(reference=ref)). */
function categorical(e: Expr & { k: 'call' }, ctx: EvalContext) {
  const err = (at: Expr, message: string) => formulaError(ctx.formula, at.start, message);
  if (e.args.length < 1 || e.args.length > 2 || e.kwargs.length) throw err(e, 'C() takes a variable and optionally Treatment(reference)');
  let reference: { value: string | number; at: number; formula: string } | undefined;
  const contrast = e.args[1];
  if (contrast) {
    const name = contrast.k === 'call' ? functionName(contrast.fn) : functionName(contrast);
    if (name !== 'Treatment') throw err(contrast, `contrast '${name ?? 'expression'}' is not supported (only Treatment coding)`);
    if (contrast.k === 'call') {
      const arg = contrast.args[0] ?? contrast.kwargs.find((k) => k.name === 'reference')?.value;
      if (contrast.args.length + contrast.kwargs.length > 1 || (contrast.kwargs.length && !contrast.kwargs.some((k) => k.name === 'reference'))) {
        throw err(contrast, 'Treatment() takes one reference level');
      }
      if (arg) {
        const v = arg.k === 'unary' && arg.op === '-' && arg.arg.k === 'num' ? -arg.arg.value : arg.k === 'num' || arg.k === 'str' ? arg.value : undefined;
        if (v === undefined) throw err(arg, 'the reference level must be a number or a quoted string');
        reference = { value: v, at: arg.start, formula: ctx.formula };
      }
    }
  }
  const inner = e.args[0];
  // A bare column keeps its own type (integers label as 5, floats as 5.0); expressions are floats.
  if (inner.k === 'name' && ctx.frame.columns.has(inner.id)) {
    const c = column(ctx.frame, inner.id);
    if (c.kind === 'number') return categories(Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)), c.integer, reference);
    return categories(c.values, false, reference);
  }
  const v = evaluate(inner, ctx);
  if (typeof v === 'number' || typeof v === 'string') throw err(inner, 'C() needs a column');
  if (v instanceof Float64Array) return categories(Array.from(v, (x) => (Number.isNaN(x) ? null : x)), false, reference);
  if (reference) {
    const levels = v.cat.levels;
    const ref = levels.indexOf(String(reference.value));
    if (ref < 0) throw err(inner, `reference level ${JSON.stringify(reference.value)} is not a level (levels: ${levels.join(', ')})`);
    return { ...v.cat, reference: ref };
  }
  return v.cat;
}
