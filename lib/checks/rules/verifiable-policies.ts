import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import { finding } from '../private/policy';

/**
 * AgentIdentity-VerifiablePolicies: every managed policy attached to an agent role is defined in
 * the app, so the other rules can read it. An AWS managed policy or an imported ARN is opaque at
 * synth time: it may grant anything and change without a deployment.
 *
 * Findings: `ManagedPolicy::<arn>`.
 */
export function verifiablePolicies(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = role.unreadableManagedPolicies.map((arn) => finding('ManagedPolicy', arn));
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}
