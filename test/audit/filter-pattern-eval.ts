/**
 * A small evaluator for the subset of CloudWatch Logs JSON filter pattern syntax the audit trail
 * emits: `{ ... }` with `&&`, `||`, parentheses and `($.a.b = "value")` where `*` is a wildcard.
 * It lets tests prove which CloudTrail records a synthesized metric filter counts.
 */
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export function matchesFilterPattern(pattern: string, event: Json): boolean {
  const text = pattern.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) throw new Error(`not a JSON filter pattern: ${pattern}`);
  const tokens = tokenize(text.slice(1, -1));
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];

  const parseOr = (): boolean => {
    let value = parseAnd();
    while (peek() === '||') {
      next();
      const right = parseAnd();
      value = value || right;
    }
    return value;
  };
  const parseAnd = (): boolean => {
    let value = parseAtom();
    while (peek() === '&&') {
      next();
      const right = parseAtom();
      value = value && right;
    }
    return value;
  };
  const parseAtom = (): boolean => {
    const t = next();
    if (t === '(') {
      const value = parseOr();
      if (next() !== ')') throw new Error(`unbalanced parentheses in ${pattern}`);
      return value;
    }
    if (!t || !t.startsWith('$.')) throw new Error(`unexpected token ${t} in ${pattern}`);
    const op = next();
    if (op !== '=' && op !== '!=') throw new Error(`only = and != are supported, in ${pattern}`);
    const literal = next();
    if (!literal || !literal.startsWith('"')) throw new Error(`expected a quoted value in ${pattern}`);
    const actual = t
      .slice(2)
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .reduce<Json>((obj, key) => (obj === undefined || obj === null ? undefined : obj[key]), event);
    if (typeof actual !== 'string') return false;
    const expected = literal.slice(1, -1);
    const re = new RegExp(`^${expected.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return op === '=' ? re.test(actual) : !re.test(actual);
  };

  const result = parseOr();
  if (pos !== tokens.length) throw new Error(`trailing tokens in ${pattern}`);
  return result;
}

function tokenize(s: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ') {
      i++;
    } else if (s.startsWith('!=', i)) {
      tokens.push('!=');
      i += 2;
    } else if (c === '(' || c === ')' || c === '=') {
      tokens.push(c);
      i++;
    } else if (s.startsWith('&&', i) || s.startsWith('||', i)) {
      tokens.push(s.slice(i, i + 2));
      i += 2;
    } else if (c === '"') {
      const end = s.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unterminated string in ${s}`);
      tokens.push(s.slice(i, end + 1));
      i = end + 1;
    } else {
      let j = i;
      while (j < s.length && !' ()=!'.includes(s[j])) j++;
      tokens.push(s.slice(i, j));
      i = j;
    }
  }
  return tokens;
}
