import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';

/**
 * AgentIdentity-PermissionsBoundary: an agent role has a permissions boundary, so a grant
 * added later (by hand, by another construct) cannot lift it above the shared ceiling.
 */
export function permissionsBoundary(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const boundary = role.resource.properties.PermissionsBoundary;
  return boundary === undefined || boundary === ''
    ? NagRuleCompliance.NON_COMPLIANT
    : NagRuleCompliance.COMPLIANT;
}
