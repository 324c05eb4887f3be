import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { PERMISSIONS_GUARDRAILS } from '../../identity/private/permissions-guardrails';
import { CheckContext } from '../private/context';
import { missingPermissionsGuardrails } from '../private/permissions-guardrail-match';
import { Json, NormalizedStatement, finding, flatten, statementsOf } from '../private/policy';

/** Rails that hold as identity policy only (PermissionsGuardrailsAttached judges them), never in the boundary. */
const BEYOND_CEILING = new Set(PERMISSIONS_GUARDRAILS.filter((r) => r.beyondCeiling).map((r) => r.sid));

/**
 * AgentIdentity-PermissionsBoundary: an agent role has a permissions boundary, so a grant
 * added later (by hand, by another construct) cannot lift it above the shared ceiling — and that
 * boundary is an AgentBoundary: a managed policy of the app that carries every permissions-guardrail deny.
 * A boundary replaced by another policy (an AWS managed or imported one the checks cannot read,
 * or one without the permissions guardrails) is reported.
 *
 * Findings: none (plain non-compliance) when there is no boundary; `Boundary::<policy>` when the
 * boundary is not an AgentBoundary. Rails beyond the ceiling are not required in the boundary: they
 * are attached as identity policies where needed, which PermissionsGuardrailsAttached judges.
 */
export function permissionsBoundary(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const boundary = role.resource.properties.PermissionsBoundary;
  if (boundary === undefined || boundary === '') return NagRuleCompliance.NON_COMPLIANT;
  const policy = context.index.target(boundary, role.resource.stack);
  const isAgentBoundary =
    policy?.type === 'AWS::IAM::ManagedPolicy' &&
    missingPermissionsGuardrails(boundaryStatements(policy)).every((sid) => BEYOND_CEILING.has(sid));
  return isAgentBoundary ? NagRuleCompliance.COMPLIANT : [finding('Boundary', flatten(boundary))];
}

function boundaryStatements(policy: { readonly properties: Json }): NormalizedStatement[] {
  return statementsOf(policy.properties.PolicyDocument, 'permissions boundary');
}
