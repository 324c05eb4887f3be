import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { CfnElement, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ACCOUNT, TemplateResolver } from './resolve';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One generated tool policy of a template, with its intrinsics resolved. */
export interface ResolvedToolPolicy {
  readonly logicalId: string;
  readonly text: string;
  readonly metadata: Json;
}

/** Every `AWS::BedrockAgentCore::Policy` of a template, resolved as CloudFormation would. */
export function toolPolicies(template: Json): ResolvedToolPolicy[] {
  const resolver = new TemplateResolver(template);
  return Object.entries<Json>(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::BedrockAgentCore::Policy')
    .map(([logicalId, r]) => ({
      logicalId,
      text: String(resolver.resolve(r.Properties.Definition.Cedar.Statement)),
      metadata: r.Metadata?.['cdk-agent-identity:tool-policy'],
    }));
}

/** A tool call as the gateway hands it to Cedar. */
export interface ToolCall {
  /** `AgentCore::OAuthUser` (JWT gateways) or `AgentCore::IamEntity` (IAM gateways). */
  readonly principalType: string;
  /** `sub` of the token, or the caller's STS ARN. */
  readonly principalId: string;
  /** JWT claims, as string tags. */
  readonly claims?: Record<string, string>;
  /** `<target>___<tool>`. */
  readonly action: string;
  /** The gateway ARN. */
  readonly gateway: string;
  /** The tool's arguments. */
  readonly input: Record<string, Json>;
}

/** Cedar's decision on a call, evaluated with the real engine. */
export function decide(policies: string[], call: ToolCall): 'allow' | 'deny' {
  const staticPolicies = Object.fromEntries(policies.map((p, i) => [`p${i}`, p]));
  const principal = { type: call.principalType, id: call.principalId };
  const answer = cedar.isAuthorized({
    principal,
    action: { type: 'AgentCore::Action', id: call.action },
    resource: { type: 'AgentCore::Gateway', id: call.gateway },
    context: { input: call.input },
    policies: { staticPolicies },
    entities: [
      {
        uid: principal,
        attrs: { id: call.principalId },
        parents: [],
        ...(call.claims ? { tags: call.claims } : {}),
      },
    ],
  });
  if (answer.type !== 'success') throw new Error(`cedar failed: ${JSON.stringify(answer.errors)}`);
  return answer.response.decision;
}

/** The STS ARN of a session of `role`, as an IAM-authorized gateway names its caller (`principal.id`). */
export function roleSessionArn(
  resolver: TemplateResolver,
  stack: Stack,
  role: iam.IRole,
  session = 'task-1',
): string {
  const name = resolver.ref(stack.getLogicalId(role.node.defaultChild as CfnElement));
  return `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`;
}
