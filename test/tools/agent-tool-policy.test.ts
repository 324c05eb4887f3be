import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import {
  AgentIdentity,
  AgentRuntime,
  AgentToolPolicy,
  GatewayTool,
  ToolCaller,
  ToolCondition,
} from '../../lib';
import { newStack } from '../helpers/stacks';
import { iamGateway, jwtGateway, target } from './scenarios';

const S = agentcore.SchemaDefinitionType;

function setup(kind: 'jwt' | 'iam') {
  const { app, stack } = newStack();
  const gateway = kind === 'jwt' ? jwtGateway(stack) : iamGateway(stack);
  const crm = target(stack, gateway, 'Crm', {
    updateRecord: { props: { recordId: { type: S.STRING }, count: { type: S.INTEGER } } },
  });
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'complaint-agent',
    runtime: AgentRuntime.agentCoreRuntime(),
    owner: 'care@example.com',
  });
  return { app, stack, gateway, crm, agent, update: GatewayTool.of(crm, 'updateRecord') };
}

describe('AgentToolPolicy synth-time errors name the agent and the tool', () => {
  test('a condition on an input the tool does not have', () => {
    const { gateway, agent, update } = setup('jwt');
    expect(() =>
      AgentToolPolicy.of(gateway).grant(agent, [update], {
        caller: ToolCaller.jwtSubject('c'),
        when: [ToolCondition.inputEqualsClaim('recordID', 'task')],
      }),
    ).toThrow(
      /agent complaint-agent, tool crm___updateRecord: condition on input recordID, which the tool does not have; its inputs are \["recordId","count"\]/,
    );
  });

  test('a generated policy that does not validate (a claim compared to an integer input)', () => {
    const { gateway, agent, update } = setup('jwt');
    expect(() =>
      AgentToolPolicy.of(gateway).grant(agent, [update], {
        caller: ToolCaller.jwtSubject('c'),
        when: [ToolCondition.inputEqualsClaim('count', 'task')],
      }),
    ).toThrow(/agent complaint-agent, tool crm___updateRecord: the generated Cedar policy does not validate/);
  });

  test('a per-task claim condition on an IAM-authorized gateway is refused', () => {
    const { gateway, agent, update } = setup('iam');
    expect(() =>
      AgentToolPolicy.of(gateway).grant(agent, [update], {
        when: [ToolCondition.inputEqualsClaim('recordId', 'task')],
      }),
    ).toThrow(/condition on JWT claim task, but the gateway uses IAM inbound auth/);
  });

  test('a JWT-authorized gateway needs the caller named', () => {
    const { gateway, agent, update } = setup('jwt');
    expect(() => AgentToolPolicy.of(gateway).grant(agent, [update])).toThrow(
      /only the token identifies the agent/,
    );
  });

  test('an IAM caller on a JWT gateway is refused', () => {
    const { gateway, agent, update } = setup('jwt');
    expect(() =>
      AgentToolPolicy.of(gateway).grant(agent, [update], { caller: ToolCaller.agentRole() }),
    ).toThrow(/the gateway uses JWT inbound auth; use ToolCaller.jwtSubject/);
  });

  test('a tenant agent and a tool whose tenant input cannot be fenced (not a string)', () => {
    const { stack, gateway } = setup('iam');
    const t = target(stack, gateway, 'Billing', { charge: { props: { tenantId: { type: S.INTEGER } } } });
    const tenantAgent = new AgentIdentity(stack, 'Tenant', {
      agentName: 'acme-billing',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
      owner: 'billing@example.com',
    });
    expect(() => AgentToolPolicy.of(gateway).grant(tenantAgent, [GatewayTool.of(t, 'charge')])).toThrow(
      /agent acme-billing, tool billing___charge: tenant input tenantId is of type "integer"/,
    );
  });

  test('a tool the target does not declare', () => {
    const { gateway, agent, crm } = setup('iam');
    expect(() => AgentToolPolicy.of(gateway).grant(agent, [GatewayTool.of(crm, 'dropTable')])).toThrow(
      /declares no tool "dropTable"; its tools are \["updateRecord"\]/,
    );
  });

  test('a tool of another gateway', () => {
    const { stack, gateway, agent } = setup('iam');
    const other = iamGateway(stack, 'Other');
    const t = target(stack, other, 'Ops', { restart: { props: {} } });
    expect(() => AgentToolPolicy.of(gateway).grant(agent, [GatewayTool.of(t, 'restart')])).toThrow(
      /served by another gateway/,
    );
  });

  test('a gateway that already has a policy engine', () => {
    const { stack } = newStack();
    const engine = new agentcore.PolicyEngine(stack, 'E');
    const gateway = new agentcore.Gateway(stack, 'G', {
      authorizerConfiguration: agentcore.GatewayAuthorizer.usingAwsIam(),
      policyEngineConfiguration: { policyEngine: engine },
    });
    expect(() => AgentToolPolicy.of(gateway)).toThrow(/already has a policyEngineConfiguration/);
  });

  test('a gateway without inbound auth', () => {
    const { stack } = newStack();
    const gateway = new agentcore.Gateway(stack, 'G', {
      authorizerConfiguration: agentcore.GatewayAuthorizer.withNoAuth(),
    });
    expect(() => AgentToolPolicy.of(gateway)).toThrow(/no authenticated caller/);
  });
});

describe('AgentToolPolicy.of', () => {
  test('returns the same policy for a gateway, with one engine', () => {
    const { gateway } = setup('iam');
    expect(AgentToolPolicy.of(gateway)).toBe(AgentToolPolicy.of(gateway));
  });

  test('logOnly() after enforce() goes back to LOG_ONLY', () => {
    const { gateway } = setup('iam');
    const tools = AgentToolPolicy.of(gateway);
    tools.enforce();
    expect(tools.mode.value).toBe('ENFORCE');
    tools.logOnly();
    expect(tools.mode.value).toBe('LOG_ONLY');
  });
});
