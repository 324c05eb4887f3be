import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { AgentCoreTarget, AgentIdentity, AgentRuntime, AgentToolPolicy, GatewayTool } from '../../../lib';
import { iamGateway, jwtGateway, target } from '../../tools/scenarios';
import { check, findingsFor, plainApp } from '../fixtures';

const RULE = 'GatewayPolicyEngine';

function agentIn(stack: ReturnType<typeof plainApp>['stack']): AgentIdentity {
  return new AgentIdentity(stack, 'Agent', {
    agentName: 'tool-user',
    runtime: AgentRuntime.agentCoreRuntime(),
    owner: 'tools@example.com',
  });
}

describe('AgentIdentity-GatewayPolicyEngine', () => {
  test('compliant: the gateway has a tool policy engine and the agent invokes only it', () => {
    // GIVEN
    const { app, stack } = plainApp();
    const gateway = iamGateway(stack);
    const t = target(stack, gateway, 'Ops', { status: { props: {} } });
    // WHEN
    AgentToolPolicy.of(gateway).grant(agentIn(stack), [GatewayTool.of(t, 'status')]);
    // THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('non-compliant: a gateway without a policy engine, invoked by an agent', () => {
    // GIVEN
    const { app, stack } = plainApp();
    const gateway = jwtGateway(stack);
    AgentCoreTarget.gateway(gateway.gatewayArn).grantInvoke(agentIn(stack));
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual(['PolicyEngine::missing']);
  });

  test('non-compliant: an agent may invoke a gateway the app does not define', () => {
    const { app, stack } = plainApp();
    const arn = 'arn:aws:bedrock-agentcore:us-east-1:111111111111:gateway/elsewhere-1';
    AgentCoreTarget.gateway(arn).grantInvoke(agentIn(stack));
    expect(findingsFor(check(app), RULE)).toEqual([`Gateway::${arn}`]);
  });

  test('a gateway whose engine is configured by hand is compliant', () => {
    const { app, stack } = plainApp();
    const engine = new agentcore.PolicyEngine(stack, 'Engine');
    new agentcore.Gateway(stack, 'G', {
      authorizerConfiguration: agentcore.GatewayAuthorizer.usingAwsIam(),
      policyEngineConfiguration: { policyEngine: engine },
    });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });
});
