import { Stack, Token, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledgements the library records on its own constructs, for cdk-nag findings that are
 * deliberate design, each with the reason a reviewer needs. They are visible in cdk-nag's report
 * and in the entitlement report like any user acknowledgement.
 */
export function acknowledgeFindings(scope: IConstruct, findings: Record<string, string>): void {
  for (const [id, reason] of Object.entries(findings)) Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The acknowledgements recorded on `scope` itself (not its ancestors) with
 * `Validations.of(scope).acknowledge(...)`, as [rule id, reason], read from construct metadata
 * the way cdk-nag reads them.
 */
export function acknowledgementsRecordedOn(scope: IConstruct): [string, string][] {
  const out: [string, string][] = [];
  for (const entry of scope.node.metadata) {
    if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
    for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>))
      out.push([id, String(reason)]);
  }
  return out;
}

/**
 * Acknowledges the finding `<ruleId>[Resource::<resource>]` on `scope`, with the resource (an ARN of
 * `scope`'s stack, maybe a token) rendered the way cdk-nag names it.
 */
export function acknowledgeResourceFinding(
  scope: IConstruct,
  ruleId: string,
  resource: string,
  reason: string,
): void {
  acknowledgeFindings(scope, {
    [`${ruleId}[Resource::${flattenReference(Stack.of(scope).resolve(resource))}]`]: reason,
  });
}

/** The AwsSolutions-IAM5 finding id cdk-nag gives a wildcard in `resource` (an ARN, maybe a token). */
function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenReference(Stack.of(scope).resolve(resource))}]`;
}

/** Wildcard resources acknowledged per construct: resource (token string) → reason. */
const WILDCARDS = new WeakMap<IConstruct, Map<string, string>>();
/** Finding ids per stack and resource, before and after references between stacks are resolved. */
const FINDING_IDS = new WeakMap<Stack, Map<string, string>>();

/**
 * Acknowledges the AwsSolutions-IAM5 finding for a deliberate wildcard in `resource` on `scope`.
 *
 * cdk-nag names the finding after the value as the policy's stack renders it. For a resource of
 * another stack that is an `Fn::ImportValue` (or a nested stack's parameter), which exists only
 * once synthesis has resolved the references between stacks — after aspects, before construct
 * validation. So the id is recorded as seen now, and again, if different, when the construct is
 * validated.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  let mine = WILDCARDS.get(scope);
  if (!mine) WILDCARDS.set(scope, (mine = new Map()));
  if (mine.has(resource)) return;
  mine.set(resource, reason);
  const before = cachedFinding(scope, resource, 'before');
  acknowledgeFindings(scope, { [before]: reason });
  if (!Token.isUnresolved(resource)) return;
  scope.node.addValidation({
    validate: () => {
      const after = cachedFinding(scope, resource, 'after');
      if (after !== before) acknowledgeFindings(scope, { [after]: reason });
      return [];
    },
  });
}

/** The wildcard resources acknowledged on `scope` itself, as [resource, reason]. */
export function wildcardAcknowledgementsOn(scope: IConstruct): [string, string][] {
  return [...(WILDCARDS.get(scope) ?? [])];
}

function cachedFinding(scope: IConstruct, resource: string, phase: 'before' | 'after'): string {
  const stack = Stack.of(scope);
  let ids = FINDING_IDS.get(stack);
  if (!ids) FINDING_IDS.set(stack, (ids = new Map()));
  const key = `${phase}|${resource}`;
  let id = ids.get(key);
  if (id === undefined) ids.set(key, (id = wildcardResourceFinding(scope, resource)));
  return id;
}

/** Renders a resolved CloudFormation value the way cdk-nag names it in a finding (`<Ref>`, `<Id.Attr>`, import names). */
function flattenReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (node['Fn::Sub'] !== undefined) return flattenReference(node['Fn::Sub']);
  if (node['Fn::ImportValue'] !== undefined) return flattenReference(node['Fn::ImportValue']);
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (node.Ref) return `<${flattenReference(node.Ref)}>`;
  return JSON.stringify(value);
}
