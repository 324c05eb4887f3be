import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { AgentCoreIdentityNames } from '../../shared/agentcore-identity';
import { declaredCredentials } from '../private/agentcore-resources';
import { CheckContext } from '../private/context';
import { actionCovers, finding } from '../private/policy';

const FOR_USER_ID = AgentCoreIdentityNames.GET_WORKLOAD_ACCESS_TOKEN_FOR_USER_ID;
const MIN_REASON = 20;

/**
 * AgentIdentity-UserIdDelegationReason: an agent role allowed
 * `bedrock-agentcore:GetWorkloadAccessTokenForUserId` (by name or pattern), and not denied it on
 * every resource, must declare why: its `cdk-agent-identity:credentials` metadata has
 * `userDelegation.via = user-id` with a reason of at least 20 characters (what
 * `UserDelegation.byUserId({ reason })` writes). The action names the user by id alone, so
 * nothing proves the user asked: any user's stored tokens are within the agent's reach.
 *
 * Finding: `Action::GetWorkloadAccessTokenForUserId`.
 */
export function userIdDelegationReason(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const allowed = role.statements.some(
    (s) => s.effect === 'Allow' && !s.notActions && s.actions.some((w) => actionCovers(w, FOR_USER_ID)),
  );
  if (!allowed) return NagRuleCompliance.NOT_APPLICABLE;
  const deniedEverywhere = role.statements.some(
    (s) =>
      s.effect === 'Deny' &&
      s.conditions.length === 0 &&
      !s.notResources &&
      s.resources.includes('*') &&
      s.actions.some((w) => actionCovers(w, FOR_USER_ID)),
  );
  if (deniedEverywhere) return NagRuleCompliance.COMPLIANT;
  const delegation = declaredCredentials(role)?.userDelegation;
  const reason = typeof delegation?.reason === 'string' ? delegation.reason.trim() : '';
  if (delegation?.via === 'user-id' && reason.length >= MIN_REASON) return NagRuleCompliance.COMPLIANT;
  return [finding('Action', 'GetWorkloadAccessTokenForUserId')];
}
