import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import { finding } from '../private/policy';

/**
 * A principal-tag policy variable as `flatten` renders it (`${aws:PrincipalTag/ai:tenant}` →
 * `<aws:PrincipalTag/ai:tenant>`), with a wildcard right before or after it.
 */
const ADJACENT_WILDCARD = /([*?]<aws:PrincipalTag\/[^>]+>|<aws:PrincipalTag\/[^>]+>[*?])/i;

/**
 * AgentIdentity-PrincipalTagWildcard: no condition value or resource of an agent role's Allow
 * statements puts a wildcard right next to a principal-tag variable, e.g.
 * `${aws:PrincipalTag/ai:tenant}*` (tenant `acme` then also matches `acme-corp`'s data) or
 * `*${aws:PrincipalTag/ai:tenant}`. A delimiter between them (`${aws:PrincipalTag/ai:tenant}/*`)
 * is fine: it ends the tenant's name.
 *
 * Findings: `Value::<value>` (a condition value), `Resource::<resource>`.
 */
export function principalTagWildcard(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const s of role.statements) {
    if (s.effect !== 'Allow') continue;
    for (const c of s.conditions) {
      for (const v of c.values) if (ADJACENT_WILDCARD.test(v)) findings.add(finding('Value', v));
    }
    for (const r of s.resources) if (ADJACENT_WILDCARD.test(r)) findings.add(finding('Resource', r));
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}
