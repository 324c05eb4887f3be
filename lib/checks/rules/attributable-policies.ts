import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import { finding, flatten } from '../private/policy';

/**
 * AgentIdentity-AttributablePolicies (fail closed): in an app with agent roles, every policy that
 * may grant a role something names that role in a way the checks can follow — by reference (also
 * across stacks through exports, `Fn::Select` / `Fn::Split` over an imported ARN), by literal name
 * or by literal ARN. Otherwise the checks cannot tell whether the policy reaches an agent, and it
 * is reported on the resource holding it:
 * - an identity policy (`AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`, `AWS::IAM::RolePolicy`)
 *   with an Allow whose `Roles` / `RoleName` is an `Fn::If`, a parameter, an import no stack of the
 *   app exports, a custom resource or nested stack attribute, ...;
 * - a resource policy with an Allow whose AWS principal cannot be followed the same way, or that
 *   grants principal `*` (or uses `NotPrincipal`) narrowed by `aws:PrincipalArn`,
 *   `aws:PrincipalTag/...`, `aws:userid`, `aws:username` or `aws:SourceIdentity` — it may select
 *   agent roles the checks cannot name;
 * - a policy document built as a string from intrinsics that references an agent role.
 *
 * Findings: `<property>::<value as written>`, e.g. `Roles::<Import:SharedRoleName>`.
 */
export function attributablePolicies(node: CfnResource, context: CheckContext): NagRuleResult {
  const unattributed = context.index.unattributedOf(node);
  if (unattributed.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  if (!context.index.hasAgentRoles()) return NagRuleCompliance.NOT_APPLICABLE;
  return [...new Set(unattributed.map((u) => finding(u.property, flatten(u.value))))];
}
