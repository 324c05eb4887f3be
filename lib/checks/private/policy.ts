import { matchingActions } from '../../shared/iam-catalog';
import { Json, asArray } from '../../shared/template-model';

export type { Json };
export { asArray };

/** One statement of a resolved policy document, normalized. */
export interface NormalizedStatement {
  /** Where the statement comes from, e.g. `inline AgentAccess` or `AWS::IAM::Policy PolicyABC`. */
  readonly source: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: string[];
  /** Present when the statement uses `NotAction`. */
  readonly notActions?: string[];
  /** Resources flattened to strings (intrinsics rendered as `<Logical.Attr>`). */
  readonly resources: string[];
  /** The raw resource values, for reference lookups. */
  readonly rawResources: Json[];
  /** Present when the statement uses `NotResource`. */
  readonly notResources?: string[];
  readonly conditions: ConditionEntry[];
  /** Principal element (trust policies only). */
  readonly principal?: Json;
  /** NotPrincipal element (trust policies only). */
  readonly notPrincipal?: Json;
  /**
   * Set on a statement of a resource policy naming an agent role: the resource holding the policy,
   * as `<stack name>/<logical id>`.
   * @default - the statement is from an identity policy
   */
  readonly resourcePolicy?: string;
}

/** One `operator / key / values` triple of a statement's `Condition`. */
export interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

/**
 * Renders a resolved value as one string, the way cdk-nag does: `Ref` becomes `<Id>`,
 * `Fn::GetAtt` becomes `<Id.Attr>`, `Fn::Join` is joined and `${x}` in `Fn::Sub` becomes `<x>`.
 */
export function flatten(value: Json): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map(flatten).join(',');
  if ('Ref' in value) return `<${flatten(value.Ref)}>`;
  if ('Fn::GetAtt' in value) {
    const [id, attr] = asArray<Json>(value['Fn::GetAtt']);
    return `<${flatten(id)}.${flatten(attr)}>`;
  }
  if ('Fn::Join' in value) {
    const [sep, parts] = value['Fn::Join'];
    return asArray<Json>(parts).map(flatten).join(sep);
  }
  if ('Fn::Sub' in value) return flatten(asArray<Json>(value['Fn::Sub'])[0]);
  if ('Fn::ImportValue' in value) return `<Import:${flatten(value['Fn::ImportValue'])}>`;
  return JSON.stringify(value);
}

/** Normalizes the statements of a resolved policy document. */
export function statementsOf(document: Json, source: string): NormalizedStatement[] {
  const statements = asArray<Json>(document?.Statement);
  return statements.map((s) => ({
    source,
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: asArray<Json>(s.Action).map(flatten),
    notActions: s.NotAction !== undefined ? asArray<Json>(s.NotAction).map(flatten) : undefined,
    resources: asArray<Json>(s.Resource).map(flatten),
    rawResources: asArray<Json>(s.Resource),
    notResources: s.NotResource !== undefined ? asArray<Json>(s.NotResource).map(flatten) : undefined,
    conditions: conditionEntries(s.Condition),
    principal: s.Principal,
    notPrincipal: s.NotPrincipal,
  }));
}

/** Flattens a `Condition` block into entries. */
export function conditionEntries(condition: Json): ConditionEntry[] {
  const out: ConditionEntry[] = [];
  if (!condition || typeof condition !== 'object') return out;
  for (const [operator, block] of Object.entries<Json>(condition)) {
    if (!block || typeof block !== 'object') continue;
    for (const [key, values] of Object.entries<Json>(block)) {
      out.push({ operator, key, values: asArray<Json>(values).map(flatten) });
    }
  }
  return out;
}

/** Condition entries whose key equals `key` (condition keys are case-insensitive). */
export function conditionsOn(statement: NormalizedStatement, key: string): ConditionEntry[] {
  const k = key.toLowerCase();
  return statement.conditions.filter((c) => c.key.toLowerCase() === k);
}

/**
 * True for operators that narrow a request to the listed values: the `String`/`Arn` equality and
 * match operators, without `Not` (which would allow everything else) and without `IfExists`
 * (which would let requests without the key through).
 */
export function isNarrowingOperator(operator: string): boolean {
  const op = operator.replace(/^For(All|Any)Values:/, '');
  return /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/.test(op);
}

/** True when an action pattern contains an IAM wildcard. */
export function isPattern(action: string): boolean {
  return action.includes('*') || action.includes('?');
}

/** Converts an IAM wildcard pattern to a case-insensitive regular expression. */
export function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** True when the action pattern (or exact action) written in a policy covers `action`. */
export function actionCovers(written: string, action: string): boolean {
  if (written === '*') return true;
  return patternRegExp(written).test(action);
}

/**
 * The exact actions (as `service:Name`) a written action or pattern stands for, per the IAM
 * catalog; an exact action unknown to the catalog stands for itself.
 */
export function expandAction(written: string): string[] {
  if (written === '*') return ['*'];
  const service = written.split(':')[0];
  if (!isPattern(written)) return [written];
  return matchingActions(written).map((a) => `${service.toLowerCase()}:${a.name}`);
}

/**
 * Makes a string safe as part of a cdk-nag finding id: `Validations.acknowledge` turns spaces
 * into dashes and rejects unbalanced brackets, so both are normalized here.
 */
export function findingPart(value: string): string {
  return value
    .replace(/\s+/g, '-')
    .replace(/[[({]/g, '<')
    .replace(/[\])}]/g, '>');
}

/** Builds a finding id from parts joined by `::`. */
export function finding(...parts: string[]): string {
  return parts.map(findingPart).join('::');
}

/**
 * Builds the finding id of a statement: for a statement of a resource policy, prefixed with
 * `ResourcePolicy::<stack>/<logical id>` of the resource holding it, so the finding names where the
 * grant lives (and is acknowledged separately from the same grant in an identity policy).
 */
export function statementFinding(statement: NormalizedStatement, ...parts: string[]): string {
  return statement.resourcePolicy !== undefined
    ? finding('ResourcePolicy', statement.resourcePolicy, ...parts)
    : finding(...parts);
}

/** Splits an ARN (possibly with flattened tokens) into its six parts; undefined when not an ARN. */
export function parseArn(
  arn: string,
): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  const parts = splitOutsideTokens(arn);
  if (parts.length < 6) return undefined;
  return {
    partition: parts[1],
    service: parts[2],
    region: parts[3],
    account: parts[4],
    resource: parts.slice(5).join(':'),
  };
}

/** Splits on `:` except inside flattened intrinsics such as `<AWS::Partition>`. */
function splitOutsideTokens(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of value) {
    if (ch === '<') depth++;
    if (ch === '>' && depth > 0) depth--;
    if (ch === ':' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}
