/* eslint-disable @typescript-eslint/no-explicit-any */
import { cedarDefinitionText, readCedarPolicy } from '../shared/cedar-policy-reader';
import { TOOL_POLICY_METADATA, ToolPolicyMetadata } from '../shared/tool-policy-metadata';
import type { StackTemplate } from './build-entitlement-report';
import { AgentEntitlementRecord, ToolEntitlement } from './entitlement-report-schema';
import { refersTo, renderIntrinsics } from './render-intrinsics';

const GATEWAY = 'AWS::BedrockAgentCore::Gateway';
const POLICY = 'AWS::BedrockAgentCore::Policy';

/** One Cedar policy of the templates, read with the shared Cedar reader. */
interface ReadPolicy {
  readonly id: string;
  readonly metadata: ToolPolicyMetadata | undefined;
  readonly effect: string;
  readonly tools: string[];
  readonly conditions: string[];
  readonly gateway: string;
  readonly mode: string;
}

/**
 * Adds the tools each agent may call through AgentCore Gateways (`tools`, absent when none).
 * Permits are attributed to an agent by the policy's `cdk-agent-identity:tool-policy` metadata
 * (on a JWT-authorized gateway the Cedar principal is a token subject, not the role); what the
 * permit reaches and under which conditions is read from its Cedar text.
 */
export function withToolEntitlements(
  agents: AgentEntitlementRecord[],
  templates: StackTemplate[],
): AgentEntitlementRecord[] {
  const policies = readPolicies(templates);
  if (policies.length === 0) return agents;
  return agents.map((agent) => {
    const tools = toolsOf(agent.agentName, policies);
    return tools.length === 0 ? agent : { ...agent, tools };
  });
}

function toolsOf(agentName: string, policies: ReadPolicy[]): ToolEntitlement[] {
  const out: ToolEntitlement[] = [];
  for (const permit of policies) {
    if (permit.effect !== 'permit' || permit.metadata?.agent !== agentName) continue;
    for (const tool of permit.tools) {
      const forbids = policies
        .filter(
          (f) =>
            f.effect === 'forbid' &&
            f.gateway === permit.gateway &&
            f.tools.includes(tool) &&
            (f.metadata?.agent === undefined || f.metadata.agent === agentName),
        )
        .map(
          (f) =>
            `${f.metadata?.reason !== undefined ? renderIntrinsics(f.metadata.reason) : f.id}: ${f.conditions.join(' ') || 'always'}`,
        )
        .sort();
      out.push({
        gateway: permit.gateway,
        tool,
        mode: permit.mode,
        caller: permit.metadata?.caller !== undefined ? renderIntrinsics(permit.metadata.caller) : 'unknown',
        conditions: permit.conditions,
        conditional:
          forbids.length > 0 ||
          (permit.metadata
            ? permit.metadata.when.length + permit.metadata.unless.length > 0
            : permit.conditions.length > 0),
        forbids,
        policy: permit.id,
      });
    }
  }
  return out.sort(
    (a, b) =>
      a.gateway.localeCompare(b.gateway) || a.tool.localeCompare(b.tool) || a.policy.localeCompare(b.policy),
  );
}

function readPolicies(templates: StackTemplate[]): ReadPolicy[] {
  const out: ReadPolicy[] = [];
  for (const stack of templates) {
    const resources: Record<string, any> = stack.template?.Resources ?? {};
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (resource?.Type !== POLICY) continue;
      const scope = readCedarPolicy(cedarDefinitionText(resource.Properties?.Definition));
      const engine = engineLogicalId(resource.Properties?.PolicyEngineId);
      const gatewayId = Object.keys(resources).find(
        (id) =>
          resources[id]?.Type === GATEWAY &&
          engine !== undefined &&
          refersTo(resources[id].Properties?.PolicyEngineConfiguration?.Arn, engine),
      );
      out.push({
        id: `${stack.stackName}/${logicalId}`,
        metadata: resource.Metadata?.[TOOL_POLICY_METADATA],
        effect: scope?.effect ?? 'unreadable',
        tools: scope?.tools ?? [],
        conditions: scope?.conditions ?? [],
        gateway: gatewayId ? `${stack.stackName}/${gatewayId}` : (scope?.gateway ?? 'unknown'),
        mode: gatewayId
          ? String(resources[gatewayId].Properties.PolicyEngineConfiguration.Mode ?? 'ENFORCE')
          : 'none',
      });
    }
  }
  return out;
}

/** The logical id of the engine a `PolicyEngineId` value refers to. */
function engineLogicalId(value: any): string | undefined {
  if (value && typeof value === 'object' && Array.isArray(value['Fn::GetAtt']))
    return String(value['Fn::GetAtt'][0]);
  if (value && typeof value === 'object' && typeof value.Ref === 'string') return value.Ref;
  return undefined;
}
