import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import {
  AgentIdentity,
  AgentRuntime,
  AgentToolPolicy,
  GatewayTool,
  ToolCaller,
  ToolCondition,
} from '../../../lib';
import { iamGateway, jwtGateway, target } from '../../tools/scenarios';
import { check, findingsFor, plainApp } from '../fixtures';

const RULE = 'ToolPermitScope';

function withHandWritten(cedar: (gatewayArn: string) => string): string[] {
  const { app, stack } = plainApp();
  const gateway = jwtGateway(stack);
  target(stack, gateway, 'Crm', {
    getRecord: { props: { recordId: { type: agentcore.SchemaDefinitionType.STRING } } },
  });
  const tools = AgentToolPolicy.of(gateway);
  tools.policyEngine.addPolicy('HandWritten', {
    statement: agentcore.PolicyStatement.fromCedar(cedar(gateway.gatewayArn)),
  });
  return findingsFor(check(app), RULE);
}

describe('AgentIdentity-ToolPermitScope', () => {
  test('compliant: generated grants, conditions and forbids', () => {
    // GIVEN
    const { app, stack } = plainApp();
    const gateway = iamGateway(stack);
    const repo = target(stack, gateway, 'Repo', {
      readFile: { props: { path: { type: agentcore.SchemaDefinitionType.STRING } } },
      mergePullRequest: { props: { branch: { type: agentcore.SchemaDefinitionType.STRING } } },
    });
    const agent = new AgentIdentity(stack, 'Coder', {
      agentName: 'coder',
      runtime: AgentRuntime.ecsTask(),
      owner: 'research@example.com',
    });
    // WHEN
    const tools = AgentToolPolicy.of(gateway);
    tools.grant(agent, [GatewayTool.of(repo, 'readFile'), GatewayTool.of(repo, 'mergePullRequest')]);
    tools.forbid([GatewayTool.of(repo, 'mergePullRequest')], {
      when: [ToolCondition.inputIn('branch', ['main'])],
      reason: 'protected branch',
    });
    // THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('compliant: a JWT grant narrowed by subject', () => {
    const { app, stack } = plainApp();
    const gateway = jwtGateway(stack);
    const crm = target(stack, gateway, 'Crm', { getRecord: { props: {} } });
    const agent = new AgentIdentity(stack, 'A', {
      agentName: 'a',
      runtime: AgentRuntime.lambdaFunction(),
      owner: 'o@example.com',
    });
    AgentToolPolicy.of(gateway).grant(agent, [GatewayTool.of(crm, 'getRecord')], {
      caller: ToolCaller.jwtSubject('client-a'),
    });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test.each([
    [
      'every tool',
      (g: string) =>
        `permit(principal == AgentCore::OAuthUser::"a", action, resource == AgentCore::Gateway::"${g}");`,
      ['Scope::all-tools'],
    ],
    [
      'the CallTool group',
      (g: string) =>
        `permit(principal == AgentCore::OAuthUser::"a", action in AgentCore::Action::"CallTool", resource == AgentCore::Gateway::"${g}");`,
      ['Scope::all-tools'],
    ],
    [
      'every principal',
      (g: string) =>
        `permit(principal, action == AgentCore::Action::"crm___getRecord", resource == AgentCore::Gateway::"${g}");`,
      ['Scope::all-principals'],
    ],
    [
      'every OAuth user',
      (g: string) =>
        `permit(principal is AgentCore::OAuthUser, action == AgentCore::Action::"crm___getRecord", resource == AgentCore::Gateway::"${g}") when { context.input.recordId == "1" };`,
      ['Scope::all-principals'],
    ],
    [
      'every gateway and everyone',
      () => 'permit(principal, action, resource is AgentCore::Gateway);',
      ['Scope::all-gateways', 'Scope::all-principals', 'Scope::all-tools'],
    ],
    [
      'text that does not parse',
      () => 'permit(principal, action, resource is AgentCore::Gateway',
      ['Cedar::unreadable'],
    ],
  ])('non-compliant: a hand-written permit of %s', (_what, cedar, expected) => {
    expect(withHandWritten(cedar).sort()).toEqual([...expected].sort());
  });

  test('a broad forbid is not a finding', () => {
    expect(
      withHandWritten(
        (g) =>
          `forbid(principal, action, resource == AgentCore::Gateway::"${g}") when { context.input has x };`,
      ),
    ).toEqual([]);
  });
});
