import { Stack } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { AgentIdentity, AgentToolPolicy, GatewayTool, ToolCondition } from '../../lib';

/** Branches nobody merges to through a tool: they change by human review only. */
export const PROTECTED_BRANCHES = ['main', 'release'];

const S = agentcore.SchemaDefinitionType;
const str = { type: S.STRING };

/** An OpenAPI document with one POST operation per tool, each taking a JSON body of string fields. */
function api(title: string, tools: Record<string, string[]>): string {
  const paths: Record<string, unknown> = {};
  for (const [operationId, fields] of Object.entries(tools)) {
    paths[`/${operationId}`] = {
      post: {
        operationId,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: fields,
                properties: Object.fromEntries(fields.map((f) => [f, { type: 'string' }])),
              },
            },
          },
        },
        responses: { '200': { description: 'ok' } },
      },
    };
  }
  return JSON.stringify({
    openapi: '3.0.0',
    info: { title, version: '1' },
    servers: [{ url: `https://${title}.example.com` }],
    paths,
  });
}

const WEB_TOOLS = { search: ['query'] };
const REPO_TOOLS = {
  readFile: ['path'],
  writeFile: ['path', 'content'],
  openPullRequest: ['branch', 'title'],
  approvePullRequest: ['pullRequest'],
  mergePullRequest: ['pullRequest', 'branch'],
};

/**
 * The team's tools behind one AgentCore Gateway with IAM inbound auth: each agent is recognised
 * by its role and may call only its own tools. The researcher searches and reads; the coder
 * reads, writes, opens and merges pull requests; the reviewer reads and approves but never
 * writes. Nobody merges to a protected branch (a forbid, which wins over every permit).
 */
export function addTeamTools(
  stack: Stack,
  team: { researcher: AgentIdentity; coder: AgentIdentity; reviewer: AgentIdentity },
): AgentToolPolicy {
  const gateway = new agentcore.Gateway(stack, 'ToolGateway', {
    gatewayName: 'research-team-tools',
    authorizerConfiguration: agentcore.GatewayAuthorizer.usingAwsIam(),
  });
  const target = (id: string, tools: Record<string, string[]>) => {
    const t = gateway.addOpenApiTarget(id, {
      gatewayTargetName: id.toLowerCase(),
      apiSchema: agentcore.ApiSchema.fromInline(api(id.toLowerCase(), tools)),
    });
    return (name: string) =>
      GatewayTool.of(t, name, {
        inputSchema: {
          type: S.OBJECT,
          properties: Object.fromEntries(tools[name].map((f) => [f, str])),
          required: tools[name],
        },
      });
  };
  const web = target('Web', WEB_TOOLS);
  const repo = target('Repo', REPO_TOOLS);

  const tools = AgentToolPolicy.of(gateway);
  tools.grant(team.researcher, [web('search'), repo('readFile')]);
  tools.grant(team.coder, [
    repo('readFile'),
    repo('writeFile'),
    repo('openPullRequest'),
    repo('mergePullRequest'),
  ]);
  tools.grant(team.reviewer, [repo('readFile'), repo('approvePullRequest')]);
  tools.forbid([repo('mergePullRequest')], {
    when: [ToolCondition.inputIn('branch', PROTECTED_BRANCHES)],
    reason: 'protected branches change by human review only',
  });
  tools.enforce();
  return tools;
}
