import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import { missingPermissionsGuardrails } from '../private/permissions-guardrail-match';
import { finding, statementsOf } from '../private/policy';

/**
 * AgentIdentity-PermissionsGuardrailsAttached: the permissions guardrails reach the agent role as identity policy — the
 * stack's AgentBoundary `GuardRails` managed policy (or statements identical to it) is attached.
 * The explicit denies are what hold when the boundary is opted out of or replaced, and what stop
 * grants made by resource policies; a role whose permissions-guardrail policy was detached, or whose denies
 * were narrowed (fewer actions, an extra condition), is reported per missing rail. Rails beyond the
 * ceiling are not required of a role whose boundary allows only the agents' ceiling.
 *
 * Findings: `PermissionsGuardrail::<Sid>`.
 */
export function permissionsGuardrailsAttached(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const boundary = role.boundary
    ? statementsOf(role.boundary.properties.PolicyDocument, 'permissions boundary')
    : undefined;
  const missing = missingPermissionsGuardrails(role.statements, boundary);
  return missing.length > 0
    ? missing.map((sid) => finding('PermissionsGuardrail', sid))
    : NagRuleCompliance.COMPLIANT;
}
