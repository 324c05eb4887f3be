import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import {
  agentCoreActionsOf,
  classifyAgentCoreResource,
  fencedToOwnIdentity,
} from '../private/agentcore-resources';
import { CheckContext } from '../private/context';
import { finding } from '../private/policy';

/**
 * AgentIdentity-AgentCoreOwnIdentity: an Allow statement of an agent role with a Bedrock
 * AgentCore token action (`GetWorkloadAccessToken*`) or token-vault action
 * (`GetResourceOauth2Token`, `GetResourceApiKey`, `CompleteResourceTokenAuth`) names only the
 * workload identity directory, the token vault, exact credential providers and the agent's OWN
 * workload identity (an `AWS::BedrockAgentCore::WorkloadIdentity` tagged `ai:agent` with the
 * agent's name, or an ARN whose name is the agent's name). A wildcard over workload identities is
 * accepted only where an explicit Deny fences the action to the agent's own identity (what
 * `AgentWorkloadIdentity` adds, e.g. against the AgentCore Runtime L2's own grant).
 *
 * Findings: `Resource::*`, `Resource::<wildcard ARN>`, `NotResource::<action>`,
 * `WorkloadIdentity::<name or logical id>` (another agent's identity).
 */
export function agentCoreOwnIdentity(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  let applies = false;
  for (const s of role.statements) {
    if (s.effect !== 'Allow') continue;
    const actions = agentCoreActionsOf(s);
    if (actions.length === 0) continue;
    applies = true;
    const fenced = actions.every((a) => fencedToOwnIdentity(role, a));
    if (s.notResources) {
      findings.add(finding('NotResource', actions.join('+')));
      continue;
    }
    for (const r of s.resources) {
      const c = classifyAgentCoreResource(role, r);
      if (c.kind === 'any' || c.kind === 'wildcard') {
        if (!fenced || c.kind === 'any' || !/workload-identity\/[^/]*[*?]/.test(r)) {
          findings.add(finding('Resource', r));
        }
      } else if (c.kind === 'identity' && !c.own) {
        findings.add(finding('WorkloadIdentity', c.name));
      }
    }
  }
  if (!applies) return NagRuleCompliance.NOT_APPLICABLE;
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}
