import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** What a Cedar policy of an `AWS::BedrockAgentCore::Policy` reaches, read from its text. */
export interface CedarPolicyScope {
  /** The policy text, with CloudFormation intrinsics shown as `${LogicalId}` / `${LogicalId.Attr}`. */
  readonly text: string;
  /** `permit` or `forbid`. */
  readonly effect: string;
  /** Tool action ids the scope names (`<target>___<tool>`); empty when it names none. */
  readonly tools: string[];
  /** Whether the scope reaches every tool: `action`, or `action in` the `CallTool` / `Mcp` groups. */
  readonly allTools: boolean;
  /** Whether any caller matches: an unconstrained or type-only principal that no condition narrows. */
  readonly allPrincipals: boolean;
  /** The gateway the scope names (`resource ==`); undefined for `resource is` or no constraint. */
  readonly gateway?: string;
  /**
   * The conditions as Cedar text, in order: each top-level `&&` conjunct of a `when` clause as
   * `when { <conjunct> }` (dropping one permits more), each `unless` clause whole.
   */
  readonly conditions: string[];
}

/**
 * Reads the Cedar text of an `AWS::BedrockAgentCore::Policy` definition as the template holds
 * it (a string, or an `Fn::Join` of strings and intrinsics).
 */
export function cedarDefinitionText(definition: any): string {
  return textOf(definition?.Cedar?.Statement);
}

/**
 * Parses one Cedar policy with the Cedar engine and reads its scope; undefined when it does
 * not parse. The checks judge and the entitlement report shows what this returns, so they
 * cannot disagree.
 */
export function readCedarPolicy(text: string): CedarPolicyScope | undefined {
  const answer = cedar.policyToJson(text);
  if (answer.type !== 'success') return undefined;
  const json: any = answer.json;
  const action = json.action ?? {};
  const entities: any[] =
    action.op === '==' || action.op === 'in'
      ? (action.entities ?? (action.entity ? [action.entity] : []))
      : [];
  const ids = entities.map((e) => String(e.id));
  const groups: string[] = ids.filter((id) => id === 'CallTool' || id === 'Mcp');
  const conditions: any[] = json.conditions ?? [];
  const principal = json.principal ?? {};
  const narrowedInScope = principal.op === '==' || principal.op === 'in' || principal.in !== undefined;
  const narrowedInConditions = conditions.some((c) => mentionsPrincipal(c.body));
  const resource = json.resource ?? {};
  return {
    text,
    effect: String(json.effect),
    tools: ids.filter((id) => !groups.includes(id)).sort(),
    allTools: action.op === 'All' || groups.length > 0,
    allPrincipals: !narrowedInScope && !narrowedInConditions,
    gateway: resource.op === '==' ? String(resource.entity?.id) : undefined,
    conditions: conditionTexts(text),
  };
}

function mentionsPrincipal(expr: any): boolean {
  if (expr === null || typeof expr !== 'object') return false;
  if (expr.Var === 'principal') return true;
  return Object.values(expr).some(mentionsPrincipal);
}

/** The `when { ... }` / `unless { ... }` clauses of a policy, cut from its text. */
function conditionTexts(text: string): string[] {
  const out: string[] = [];
  const re = /\b(when|unless)\s*\{/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    let depth = 1;
    let i = re.lastIndex;
    let inString = false;
    for (; i < text.length && depth > 0; i++) {
      const ch = text[i];
      if (ch === '"' && text[i - 1] !== '\\') inString = !inString;
      else if (!inString && ch === '{') depth++;
      else if (!inString && ch === '}') depth--;
    }
    const body = text.slice(re.lastIndex, i - 1).trim();
    const parts = m[1] === 'when' ? topLevelConjuncts(body) : [body];
    for (const part of parts) out.push(`${m[1]} { ${part} }`);
    re.lastIndex = i;
  }
  return out;
}

/** Splits a Cedar expression at its top-level `&&` (outside parentheses and strings). */
function topLevelConjuncts(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '"' && body[i - 1] !== '\\') inString = !inString;
    if (inString) continue;
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (depth === 0 && body.startsWith('&&', i)) {
      parts.push(body.slice(start, i).trim());
      start = i + 2;
      i++;
    }
  }
  parts.push(body.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

function textOf(value: any): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join(',');
  if (typeof value !== 'object') return String(value);
  if ('Ref' in value) return `\${${textOf(value.Ref)}}`;
  if ('Fn::GetAtt' in value) {
    const arg = value['Fn::GetAtt'];
    const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
    return `\${${textOf(id)}.${textOf(attr)}}`;
  }
  if ('Fn::Join' in value) {
    const [sep, parts] = value['Fn::Join'];
    return (Array.isArray(parts) ? parts : [parts]).map(textOf).join(sep);
  }
  return JSON.stringify(value);
}
