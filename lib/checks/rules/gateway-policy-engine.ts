import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import { actionCovers, finding, flatten } from '../private/policy';

const INVOKE = 'bedrock-agentcore:InvokeGateway';
const GATEWAY = 'AWS::BedrockAgentCore::Gateway';

/**
 * AgentIdentity-GatewayPolicyEngine: every tool call an agent makes through an AgentCore
 * Gateway is authorized by Cedar policies at call time.
 *
 * - On an `AWS::BedrockAgentCore::Gateway`: it has a `PolicyEngineConfiguration`. A gateway
 *   exists to hand tools to agents, so one without a policy engine lets every authenticated
 *   caller call every tool. Finding: `PolicyEngine::missing`.
 * - On an agent role allowed `bedrock-agentcore:InvokeGateway`: each gateway it may invoke is
 *   defined in the app (so the first part can judge it). A wildcard or a gateway ARN outside the
 *   app cannot be shown to be governed. Finding: `Gateway::<resource>` (acknowledge with the
 *   reason when the gateway's policy engine is managed elsewhere).
 */
export function gatewayPolicyEngine(node: CfnResource, context: CheckContext): NagRuleResult {
  const resource = context.index.of(node);
  if (resource?.type === GATEWAY) {
    return resource.properties.PolicyEngineConfiguration?.Arn === undefined
      ? [finding('PolicyEngine', 'missing')]
      : NagRuleCompliance.COMPLIANT;
  }
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  let invokes = false;
  for (const s of role.statements) {
    if (s.effect !== 'Allow' || !s.actions.some((a) => actionCovers(a, INVOKE))) continue;
    invokes = true;
    for (const r of s.rawResources) {
      const targets = context.index.referencedIn(r, role.resource.stack).filter((t) => t.type === GATEWAY);
      if (targets.length === 0) findings.add(finding('Gateway', flatten(r)));
    }
  }
  if (!invokes) return NagRuleCompliance.NOT_APPLICABLE;
  return findings.size > 0 ? [...findings].sort() : NagRuleCompliance.COMPLIANT;
}
