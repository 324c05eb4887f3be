import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { matchingActions } from '../../shared/iam-catalog';
import { CheckContext } from '../private/context';
import { statementFinding } from '../private/policy';

/**
 * AgentIdentity-NoWildcardResources: an Allow statement of an agent role may use `Resource: *`
 * only for actions that take no resource type (per the IAM service authorization reference,
 * e.g. `s3:ListAllMyBuckets`, `bedrock:ListFoundationModels`). A pattern is reported when any
 * action it matches takes a resource type.
 *
 * Findings: `Action::<action or pattern>`.
 */
export function noWildcardResources(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const s of role.statements) {
    if (s.effect !== 'Allow' || !s.resources.includes('*')) continue;
    for (const action of s.actions) {
      if (action === '*' || matchingActions(action).some((a) => a.resourceTypes.length > 0)) {
        findings.add(statementFinding(s, 'Action', action));
      }
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}
