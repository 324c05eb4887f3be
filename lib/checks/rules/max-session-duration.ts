import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import { finding } from '../private/policy';

/** What IAM uses when a role does not set `MaxSessionDuration`. */
const IAM_DEFAULT_SECONDS = 3600;

/**
 * AgentIdentity-MaxSessionDuration: an agent role's `MaxSessionDuration` (IAM's default is one
 * hour) is within the pack's limit, so stolen or leaked session credentials expire soon.
 *
 * Findings: `MaxSessionDuration::<seconds>`, or `MaxSessionDuration::unresolved` when the value
 * is only known at deploy time.
 */
export function maxSessionDuration(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const value = role.resource.properties.MaxSessionDuration ?? IAM_DEFAULT_SECONDS;
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (Number.isNaN(seconds)) return [finding('MaxSessionDuration', 'unresolved')];
  return seconds > context.maxSessionDurationSeconds
    ? [finding('MaxSessionDuration', String(seconds))]
    : NagRuleCompliance.COMPLIANT;
}
