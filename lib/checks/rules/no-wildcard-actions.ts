import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import { isPattern, statementFinding } from '../private/policy';

/**
 * AgentIdentity-NoWildcardActions: an agent role's Allow statements name exact actions — no
 * `*` or `?` in an action, no `NotAction`, no `NotResource`.
 *
 * Findings: `Action::<pattern>`, `NotAction::<actions>`, `NotResource::<resources>`.
 */
export function noWildcardActions(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const s of role.statements) {
    if (s.effect !== 'Allow') continue;
    for (const action of s.actions)
      if (isPattern(action)) findings.add(statementFinding(s, 'Action', action));
    if (s.notActions) findings.add(statementFinding(s, 'NotAction', s.notActions.join('+')));
    if (s.notResources) findings.add(statementFinding(s, 'NotResource', s.notResources.join('+')));
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}
