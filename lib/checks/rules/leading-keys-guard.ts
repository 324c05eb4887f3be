import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import { conditionsOn, finding } from '../private/policy';

const LEADING_KEYS = 'dynamodb:LeadingKeys';

/**
 * AgentIdentity-LeadingKeysGuard: an Allow statement of an agent role that conditions DynamoDB
 * access on `dynamodb:LeadingKeys` with `ForAllValues:` also carries
 * `Null: { dynamodb:LeadingKeys: false }`. `ForAllValues` is true for an empty set, and a Scan (or
 * a query on an index keyed otherwise) sends no leading key, so without the guard the tenant
 * condition lets a whole-table read through.
 *
 * Findings: `Resource::<resource>`.
 */
export function leadingKeysGuard(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const s of role.statements) {
    if (s.effect !== 'Allow') continue;
    const forAll = conditionsOn(s, LEADING_KEYS).some((c) => /^ForAllValues:/i.test(c.operator));
    if (!forAll) continue;
    const guarded = conditionsOn(s, LEADING_KEYS).some(
      (c) =>
        c.operator === 'Null' && c.values.length > 0 && c.values.every((v) => v.toLowerCase() === 'false'),
    );
    if (!guarded) for (const resource of s.resources) findings.add(finding('Resource', resource));
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}
