import { Stack } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  AgentIdentity,
  AgentRuntime,
  AgentToolPolicy,
  GatewayTool,
  ToolCaller,
  ToolCondition,
} from '../../lib';

const S = agentcore.SchemaDefinitionType;
const str = { type: S.STRING };

/** A Lambda-backed target with inline tools: name → input properties (required unless listed optional). */
export function target(
  stack: Stack,
  gateway: agentcore.Gateway,
  id: string,
  tools: Record<string, { props: Record<string, agentcore.SchemaDefinition>; optional?: string[] }>,
): agentcore.GatewayTarget {
  const fn = new lambda.Function(stack, `${id}Fn`, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  return gateway.addLambdaTarget(id, {
    gatewayTargetName: id.toLowerCase(),
    lambdaFunction: fn,
    toolSchema: agentcore.ToolSchema.fromInline(
      Object.entries(tools).map(([name, t]) => ({
        name,
        description: name,
        inputSchema: {
          type: S.OBJECT,
          properties: t.props,
          required: Object.keys(t.props).filter((p) => !(t.optional ?? []).includes(p)),
        },
      })),
    ),
  });
}

export function jwtGateway(stack: Stack, id = 'Gateway'): agentcore.Gateway {
  return new agentcore.Gateway(stack, id, {
    gatewayName: id.toLowerCase(),
    authorizerConfiguration: agentcore.GatewayAuthorizer.usingCustomJwt({
      discoveryUrl: 'https://issuer.example.com/.well-known/openid-configuration',
      allowedAudience: ['tools'],
    }),
  });
}

export function iamGateway(stack: Stack, id = 'Gateway'): agentcore.Gateway {
  return new agentcore.Gateway(stack, id, {
    gatewayName: id.toLowerCase(),
    authorizerConfiguration: agentcore.GatewayAuthorizer.usingAwsIam(),
  });
}

/** The claim that carries the record of the caller's current task. */
export const TASK_CLAIM = 'task_record_id';
/** The `sub` of the complaint agent's token. */
export const COMPLAINT_SUB = 'complaint-agent-client';

/** Complaint resolution on a JWT gateway: read-only tools, and updateRecord for the task's record only. */
export function complaintScenario(stack: Stack) {
  const gateway = jwtGateway(stack);
  const crm = target(stack, gateway, 'Crm', {
    getRecord: { props: { recordId: str } },
    updateRecord: { props: { recordId: str, note: str, tenantId: str }, optional: ['note', 'tenantId'] },
    deleteRecord: { props: { recordId: str } },
  });
  const agent = new AgentIdentity(stack, 'Complaint', {
    agentName: 'complaint-agent',
    runtime: AgentRuntime.agentCoreRuntime(),
    tenant: 'acme',
    owner: 'care@example.com',
  });
  const tools = AgentToolPolicy.of(gateway);
  const caller = ToolCaller.jwtSubject(COMPLAINT_SUB);
  tools.grant(agent, [GatewayTool.of(crm, 'getRecord')], { caller });
  tools.grant(agent, [GatewayTool.of(crm, 'updateRecord')], {
    caller,
    when: [ToolCondition.inputEqualsClaim('recordId', TASK_CLAIM)],
  });
  return { gateway, crm, agent, tools };
}

/** Researcher / Coder / Reviewer on an IAM gateway; nobody merges to a protected branch. */
export function researchScenario(stack: Stack) {
  const gateway = iamGateway(stack);
  const web = target(stack, gateway, 'Web', { search: { props: { query: str } } });
  const repo = target(stack, gateway, 'Repo', {
    readFile: { props: { path: str } },
    writeFile: { props: { path: str, content: str } },
    openPullRequest: { props: { branch: str } },
    approvePullRequest: { props: { pullRequest: str } },
    mergePullRequest: { props: { pullRequest: str, branch: str } },
  });
  const researcher = agentNamed(stack, 'Researcher', 'researcher');
  const coder = agentNamed(stack, 'Coder', 'coder');
  const reviewer = agentNamed(stack, 'Reviewer', 'reviewer');
  const t = (target: agentcore.GatewayTarget, name: string) => GatewayTool.of(target, name);
  const tools = AgentToolPolicy.of(gateway);
  tools.grant(researcher, [t(web, 'search'), t(repo, 'readFile')]);
  tools.grant(coder, [
    t(repo, 'readFile'),
    t(repo, 'writeFile'),
    t(repo, 'openPullRequest'),
    t(repo, 'mergePullRequest'),
  ]);
  tools.grant(reviewer, [t(repo, 'readFile'), t(repo, 'approvePullRequest')]);
  tools.forbid([t(repo, 'mergePullRequest')], {
    when: [ToolCondition.inputIn('branch', ['main', 'release'])],
    reason: 'protected branches change by human review only',
  });
  tools.enforce();
  return { gateway, web, repo, researcher, coder, reviewer, tools };
}

/** A platform agent (no tenant) run as an ECS task. */
export function agentNamed(stack: Stack, id: string, agentName: string): AgentIdentity {
  return new AgentIdentity(stack, id, {
    agentName,
    runtime: AgentRuntime.ecsTask(),
    owner: 'tools@example.com',
  });
}

/** A model API on an IAM gateway, callable only by the analytics dashboard agent. */
export function modelApiScenario(stack: Stack) {
  const gateway = iamGateway(stack);
  const models = target(stack, gateway, 'ModelApi', { predict: { props: { features: str } } });
  const dashboard = agentNamed(stack, 'Dashboard', 'analytics-dashboard');
  const other = agentNamed(stack, 'Other', 'marketing-writer');
  AgentToolPolicy.of(gateway).grant(dashboard, [GatewayTool.of(models, 'predict')]);
  return { gateway, dashboard, other };
}
