import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { AgentTagKeys } from '../../shared/tag-keys';
import { CheckContext } from '../private/context';
import { finding } from '../private/policy';

/** Tags every agent role must carry with a non-empty value. */
export const REQUIRED_AGENT_TAGS: readonly string[] = [AgentTagKeys.AGENT, AgentTagKeys.OWNER];

/**
 * AgentIdentity-RequiredTags: an agent role carries `ai:agent` and `ai:owner` with non-empty
 * values, so every agent can be named and has someone who answers for it in access reviews.
 *
 * Findings: `Tag::<key>`.
 */
export function requiredTags(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const missing = REQUIRED_AGENT_TAGS.filter((key) => !(role.tags.get(key) ?? '').trim());
  return missing.length > 0 ? missing.map((key) => finding('Tag', key)) : NagRuleCompliance.COMPLIANT;
}
