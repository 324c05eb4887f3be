/**
 * Symbolic evaluation of CloudFormation values: what a value will be once deployed, as a run of
 * literal text and opaque parts (a resource attribute, a pseudo parameter, or something the reader
 * cannot follow). Enough to see through `Fn::Join`, `Fn::Sub`, `Fn::Select` / `Fn::Split` over an
 * imported role ARN and `Fn::ImportValue` across stacks, without pretending to know what it cannot.
 */

/** A value of a CloudFormation template: literals, arrays, objects and intrinsics. */
export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One part of an evaluated value that is not literal text. */
export type Opaque<R> =
  | { readonly kind: 'attribute'; readonly resource: R; readonly attribute: string }
  | { readonly kind: 'pseudo'; readonly name: string }
  | { readonly kind: 'unknown'; readonly why: string };

/** An evaluated value: literal text and opaque parts, in order. */
export type Parts<R> = Array<string | Opaque<R>>;

/** What the evaluator needs from the template model. */
export interface EvaluationScope<S, R> {
  /** The resource with this logical id in the stack, if any. */
  resource(stack: S, logicalId: string): R | undefined;
  /** The value and stack of an export of the app, by export name. */
  exported(name: string): { readonly stack: S; readonly value: Json } | undefined;
  /**
   * A resource attribute that can be written out as parts (e.g. a role's `Arn` in terms of its
   * name), so `Fn::Split` / `Fn::Select` over it can be followed; undefined to keep it opaque.
   */
  expand(resource: R, attribute: string): Parts<R> | undefined;
  /** The value a nested stack's parent passes for one of its parameters, if known. */
  parameter(stack: S, name: string): { readonly stack: S; readonly value: Json } | undefined;
  /** The value of a nested stack's output read by `Fn::GetAtt <stack resource>.Outputs.<name>`, if known. */
  output(resource: R, attribute: string): { readonly stack: S; readonly value: Json } | undefined;
}

/** Wraps a scalar in an array; `undefined` and `null` become `[]`. */
export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

const MAX_DEPTH = 20;

/** Evaluates a scalar value in a stack. */
export function evaluate<S, R>(scope: EvaluationScope<S, R>, value: Json, stack: S, depth = 0): Parts<R> {
  if (depth > MAX_DEPTH) return [unknown('reference chain too deep')];
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return [unknown(`a list where a value was expected`)];
  const keys = Object.keys(value);
  if (keys.length !== 1) return [unknown('an object where a value was expected')];
  const [fn] = keys;
  const arg = value[fn];
  switch (fn) {
    case 'Ref':
      return reference(scope, String(arg), 'Ref', stack, depth);
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/);
      if (typeof id !== 'string' || typeof attribute !== 'string')
        return [unknown('Fn::GetAtt with a computed name')];
      return reference(scope, id, attribute, stack, depth);
    }
    case 'Fn::Join': {
      if (!Array.isArray(arg) || typeof arg[0] !== 'string') return [unknown('malformed Fn::Join')];
      const list = evaluateList(scope, arg[1], stack, depth + 1);
      if (!list) return [unknown('Fn::Join over a list that cannot be read')];
      const out: Parts<R> = [];
      list.forEach((item, i) => {
        if (i > 0) out.push(arg[0]);
        out.push(...item);
      });
      return compact(out);
    }
    case 'Fn::Sub':
      return substitute(scope, arg, stack, depth);
    case 'Fn::ImportValue': {
      const name = literal(evaluate(scope, arg, stack, depth + 1));
      if (name === undefined) return [unknown('Fn::ImportValue of a computed export name')];
      const exported = scope.exported(name);
      if (!exported) return [unknown(`Fn::ImportValue ${name}, which no stack of the app exports`)];
      return evaluate(scope, exported.value, exported.stack, depth + 1);
    }
    case 'Fn::Select': {
      if (!Array.isArray(arg)) return [unknown('malformed Fn::Select')];
      const index = Number(literal(evaluate(scope, arg[0], stack, depth + 1)));
      const list = evaluateList(scope, arg[1], stack, depth + 1);
      if (!list || !Number.isInteger(index) || index < 0 || index >= list.length) {
        return [unknown('Fn::Select over a list that cannot be read')];
      }
      return list[index];
    }
    default:
      return [unknown(`${fn}, which the checks do not evaluate`)];
  }
}

/** Evaluates a list value (a literal array or `Fn::Split`); undefined when it cannot be read. */
export function evaluateList<S, R>(
  scope: EvaluationScope<S, R>,
  value: Json,
  stack: S,
  depth = 0,
): Parts<R>[] | undefined {
  if (Array.isArray(value)) return value.map((v) => evaluate(scope, v, stack, depth + 1));
  if (value && typeof value === 'object' && 'Fn::Split' in value) {
    const [separator, source] = asArray<Json>(value['Fn::Split']);
    if (typeof separator !== 'string' || separator === '') return undefined;
    return split(evaluate(scope, source, stack, depth + 1), separator);
  }
  return undefined;
}

/** The literal text of parts, or undefined when any part is opaque. */
export function literal<R>(parts: Parts<R>): string | undefined {
  return parts.every((p) => typeof p === 'string') ? parts.join('') : undefined;
}

/** The first part the evaluator could not follow, if any. */
export function unknownPart<R>(parts: Parts<R>): { why: string } | undefined {
  return parts.find(
    (p): p is { kind: 'unknown'; why: string } => typeof p !== 'string' && p.kind === 'unknown',
  );
}

/** The resource attributes referenced in parts. */
export function attributes<R>(parts: Parts<R>): Array<{ resource: R; attribute: string }> {
  return parts.filter(
    (p): p is { kind: 'attribute'; resource: R; attribute: string } =>
      typeof p !== 'string' && p.kind === 'attribute',
  );
}

function unknown<R>(why: string): Opaque<R> {
  return { kind: 'unknown', why };
}

function reference<S, R>(
  scope: EvaluationScope<S, R>,
  id: string,
  attribute: string,
  stack: S,
  depth: number,
): Parts<R> {
  if (id.startsWith('AWS::')) return [{ kind: 'pseudo', name: id }];
  const resource = scope.resource(stack, id);
  if (!resource) {
    const passed = attribute === 'Ref' ? scope.parameter(stack, id) : undefined;
    if (passed) return evaluate(scope, passed.value, passed.stack, depth + 1);
    return [unknown(`Ref ${id}, a parameter or a name outside the template`)];
  }
  const output = scope.output(resource, attribute);
  if (output) return evaluate(scope, output.value, output.stack, depth + 1);
  return scope.expand(resource, attribute) ?? [{ kind: 'attribute', resource, attribute }];
}

function substitute<S, R>(scope: EvaluationScope<S, R>, arg: Json, stack: S, depth: number): Parts<R> {
  const [text, variables] = Array.isArray(arg) ? arg : [arg, {}];
  if (typeof text !== 'string') return [unknown('Fn::Sub of a computed string')];
  const out: Parts<R> = [];
  let last = 0;
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    out.push(text.slice(last, m.index));
    last = (m.index ?? 0) + m[0].length;
    const name = m[1];
    if (name.startsWith('!')) out.push(`\${${name.slice(1)}}`);
    else if (variables && typeof variables === 'object' && name in variables) {
      out.push(...evaluate(scope, variables[name], stack, depth + 1));
    } else if (name.startsWith('AWS::')) out.push({ kind: 'pseudo', name });
    else if (/^[A-Za-z0-9]+(\.[A-Za-z0-9.]+)?$/.test(name) && !name.includes(':')) {
      const [id, attribute] = name.split(/\.(.*)/);
      out.push(...reference(scope, id, attribute ?? 'Ref', stack, depth + 1));
    } else out.push(m[0]); // an IAM policy variable such as ${aws:username}
  }
  out.push(text.slice(last));
  return compact(out);
}

/** Splits parts on a separator inside literal text; opaque parts stay in the current element. */
function split<R>(parts: Parts<R>, separator: string): Parts<R>[] {
  const out: Parts<R>[] = [[]];
  for (const part of parts) {
    if (typeof part !== 'string') {
      out[out.length - 1].push(part);
      continue;
    }
    const pieces = part.split(separator);
    pieces.forEach((piece, i) => {
      if (i > 0) out.push([]);
      if (piece !== '') out[out.length - 1].push(piece);
    });
  }
  return out.map(compact);
}

/** Merges adjacent literal parts and drops empty ones. */
function compact<R>(parts: Parts<R>): Parts<R> {
  const out: Parts<R> = [];
  for (const p of parts) {
    if (p === '') continue;
    const prev = out[out.length - 1];
    if (typeof p === 'string' && typeof prev === 'string') out[out.length - 1] = prev + p;
    else out.push(p);
  }
  return out;
}
