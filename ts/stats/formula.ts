import { type Expr, parseExpr } from './expr';
import { formulaError, prettyCode, type Token, tokenize } from './tokens';

/**
 * patsy's formula language (patsy/parse_formula.py and desc.py): `y ~ a + b:c - 1`, with
 * `+ - * / : **`, parentheses, `0`/`1`/`-1`/`+0` for the intercept, and Python expressions
 * as factors. A factor is known by its code as patsy normalizes it ('np.log(x)', 'I(x ** 2)'),
 * which is also its name in column names.
 */
export interface Factor {
  code: string;
  expr: Expr;
  start: number;
}

/** A term: an interaction of factors (none for the intercept), order as written. */
export interface Term {
  factors: Factor[];
}

export interface ModelDesc {
  formula: string;
  lhs: Term[];
  rhs: Term[];
}

export const termName = (t: Term) => (t.factors.length ? t.factors.map((f) => f.code).join(':') : 'Intercept');
const termKey = (t: Term) => t.factors.map((f) => f.code).sort().join('\u0000');

type Node =
  | { type: 'atom'; kind: 'expr' | 'zero' | 'one' | 'number'; factor?: Factor; text: string; start: number }
  | { type: 'op'; op: string; args: Node[]; start: number };

// patsy's operators: [symbol, arity, precedence]; all binary ones associate to the left.
const BINARY: Record<string, number> = { '~': -100, '+': 100, '-': 100, '*': 200, '/': 200, ':': 300, '**': 500 };
const UNARY: Record<string, number> = { '~': -100, '+': 100, '-': 100 };

interface FormulaToken {
  type: 'op' | 'lparen' | 'rparen' | 'atom';
  text: string;
  start: number;
  atom?: Node & { type: 'atom' };
}

/** Splits a formula into operators and Python expressions, as patsy's _tokenize_formula. */
function formulaTokens(formula: string): FormulaToken[] {
  const py = tokenize(formula);
  const out: FormulaToken[] = [];
  const magic = (t: Token) => t.type === 'op' && (t.text in BINARY || t.text === '(' || t.text === ')');
  let i = 0;
  while (i < py.length) {
    const t = py[i];
    if (magic(t)) {
      out.push({ type: t.text === '(' ? 'lparen' : t.text === ')' ? 'rparen' : 'op', text: t.text, start: t.start });
      i++;
      continue;
    }
    // A Python expression runs to the next formula operator outside brackets.
    const expr: Token[] = [];
    let depth = 0;
    while (i < py.length) {
      const u = py[i];
      if (depth === 0 && magic(u) && u.text !== '(') break;
      if (u.type === 'op' && '([{'.includes(u.text)) depth++;
      if (u.type === 'op' && ')]}'.includes(u.text)) depth--;
      if (depth < 0) throw formulaError(formula, u.start, 'unmatched closing bracket');
      expr.push(u);
      i++;
    }
    if (depth > 0) throw formulaError(formula, expr[0].start, 'unclosed bracket');
    const code = prettyCode(expr);
    const start = expr[0].start;
    const kind = code === '0' ? 'zero' : code === '1' ? 'one' : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(code) ? 'number' : 'expr';
    const atom: Node & { type: 'atom' } = { type: 'atom', kind, text: code, start };
    if (kind === 'expr') atom.factor = { code, expr: parseExpr(expr, formula), start };
    out.push({ type: 'atom', text: code, start, atom });
  }
  return out;
}

function parseTree(formula: string): Node {
  const tokens = formulaTokens(formula);
  let i = 0;
  const fail = (message: string, at = tokens[i]?.start ?? formula.length): never => {
    throw formulaError(formula, at, message);
  };
  function operand(): Node {
    const t = tokens[i];
    if (!t) return fail('expected a term');
    if (t.type === 'atom') {
      i++;
      return t.atom!;
    }
    if (t.type === 'lparen') {
      i++;
      const inner = expression(-Infinity);
      if (tokens[i]?.type !== 'rparen') fail(tokens[i] ? `expected ')' but found '${tokens[i].text}'` : "missing ')'");
      i++;
      return inner;
    }
    if (t.type === 'op' && t.text in UNARY) {
      i++;
      return { type: 'op', op: t.text, args: [expression(UNARY[t.text])], start: t.start };
    }
    return fail(`unexpected '${t.text}'`);
  }
  function expression(min: number): Node {
    let left = operand();
    for (;;) {
      const t = tokens[i];
      if (!t || t.type !== 'op') break;
      const p = BINARY[t.text];
      if (p <= min) break;
      i++;
      left = { type: 'op', op: t.text, args: [left, expression(p)], start: t.start };
    }
    return left;
  }
  if (!tokens.length) fail('empty formula', 0);
  const tree = expression(-Infinity);
  if (i < tokens.length) fail(tokens[i].type === 'rparen' ? "unmatched ')'" : `unexpected '${tokens[i].text}'`);
  return tree;
}

/** patsy's IntermediateExpr: terms so far, and what the intercept does. */
interface Partial {
  intercept: boolean;
  removed: boolean;
  terms: Term[];
  /** Where the intercept was asked for, for errors. */
  origin?: number;
}

function unique(terms: Term[]): Term[] {
  const seen = new Set<string>();
  return terms.filter((t) => {
    const k = termKey(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function makeTerm(factors: Factor[]): Term {
  const seen = new Set<string>();
  return { factors: factors.filter((f) => !seen.has(f.code) && seen.add(f.code)) };
}

function partial(intercept: boolean, removed: boolean, terms: Term[], origin?: number): Partial {
  return { intercept, removed, terms: unique(terms), origin };
}

function evaluate(node: Node, formula: string): Partial {
  const fail = (message: string, at = node.start): never => {
    throw formulaError(formula, at, message);
  };
  if (node.type === 'atom') {
    if (node.kind === 'zero') return partial(false, true, []);
    if (node.kind === 'one') return partial(true, false, [], node.start);
    if (node.kind === 'number') return fail(`numbers besides 0 and 1 are only allowed after '**'`);
    return partial(false, false, [{ factors: [node.factor!] }]);
  }
  const [a, b] = node.args;
  const interactable = (p: Partial, at: number) => {
    if (p.intercept) fail('the intercept cannot interact with anything', p.origin ?? at);
  };
  const interaction = (l: Partial, r: Partial) => partial(false, false, l.terms.flatMap((lt) => r.terms.map((rt) => makeTerm([...lt.factors, ...rt.factors]))));
  if (node.args.length === 1) {
    if (node.op === '+') return evaluate(a, formula);
    if (node.op === '-') {
      if (a.type === 'atom' && a.kind === 'zero') return partial(true, false, [], node.start);
      if (a.type === 'atom' && a.kind === 'one') return partial(false, true, []);
      return fail('unary minus applies only to 0 or 1');
    }
    return fail("'~' needs a response on its left: 'y ~ ...'");
  }
  switch (node.op) {
    case '+': {
      const left = evaluate(a, formula);
      if (b.type === 'atom' && b.kind === 'zero') return partial(false, true, left.terms);
      const right = evaluate(b, formula);
      if (right.intercept) return partial(true, false, [...left.terms, ...right.terms], right.origin);
      return partial(left.intercept, left.removed, [...left.terms, ...right.terms], left.origin);
    }
    case '-': {
      const left = evaluate(a, formula);
      if (b.type === 'atom' && b.kind === 'zero') return partial(true, false, left.terms, b.start);
      if (b.type === 'atom' && b.kind === 'one') return partial(false, true, left.terms);
      const right = evaluate(b, formula);
      const drop = new Set(right.terms.map(termKey));
      const terms = left.terms.filter((t) => !drop.has(termKey(t)));
      if (right.intercept) return partial(false, true, terms);
      return partial(left.intercept, left.removed, terms, left.origin);
    }
    case '*': {
      const l = evaluate(a, formula);
      const r = evaluate(b, formula);
      interactable(l, a.start);
      interactable(r, b.start);
      return partial(false, false, [...l.terms, ...r.terms, ...interaction(l, r).terms]);
    }
    case '/': {
      const l = evaluate(a, formula);
      const r = evaluate(b, formula);
      interactable(l, a.start);
      interactable(r, b.start);
      const combined = partial(false, false, [makeTerm(l.terms.flatMap((t) => t.factors))]);
      return partial(false, false, [...l.terms, ...interaction(combined, r).terms]);
    }
    case ':': {
      const l = evaluate(a, formula);
      const r = evaluate(b, formula);
      interactable(l, a.start);
      interactable(r, b.start);
      return interaction(l, r);
    }
    case '**': {
      const l = evaluate(a, formula);
      interactable(l, a.start);
      const power = b.type === 'atom' && (b.kind === 'one' || b.kind === 'number') && /^\d+$/.test(b.text) ? Number(b.text) : -1;
      if (power < 1) return fail("'**' needs a positive integer", b.start);
      let all = l.terms;
      let big = l;
      for (let k = 1; k < Math.min(power, l.terms.length); k++) {
        big = interaction(l, big);
        all = [...all, ...big.terms];
      }
      return partial(false, false, all);
    }
    default:
      return fail("'~' may appear only once");
  }
}

export function parseFormula(formula: string): ModelDesc {
  const tree = parseTree(formula);
  if (tree.type !== 'op' || tree.op !== '~' || tree.args.length !== 2) {
    throw formulaError(formula, 0, "a model formula needs a response: 'y ~ x + ...'");
  }
  const tilde = (n: Node): Node | undefined => (n.type === 'op' ? (n.op === '~' ? n : n.args.map(tilde).find(Boolean)) : undefined);
  for (const side of tree.args) {
    if (tilde(side)) throw formulaError(formula, tree.start, "'~' may appear only once");
  }
  const lhs = evaluate(tree.args[0], formula);
  const rhs = evaluate(tree.args[1], formula);
  // Only the right-hand side gets an implicit intercept.
  return {
    formula,
    lhs: lhs.intercept ? [{ factors: [] }, ...lhs.terms] : lhs.terms,
    rhs: rhs.removed ? rhs.terms : [{ factors: [] }, ...rhs.terms],
  };
}
