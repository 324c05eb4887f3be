import { Stack, Validations } from 'aws-cdk-lib';
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

/** The AwsSolutions-IAM5 finding id cdk-nag gives a wildcard in `resource` (an ARN, maybe a token). */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenReference(Stack.of(scope).resolve(resource))}]`;
}

/** Renders a resolved CloudFormation value the way cdk-nag names it in a finding (`<Ref>`, `<Id.Attr>`). */
export function flattenReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (node.Ref) return `<${flattenReference(node.Ref)}>`;
  return JSON.stringify(value);
}
