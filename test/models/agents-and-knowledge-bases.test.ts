import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  AgentCoreTarget,
  AgentIdentity,
  AgentRuntime,
  BedrockAgentAlias,
  BedrockKnowledgeBase,
  BedrockModel,
} from '../../lib';
import { agentRoleId, rolePolicies, simulate, RolePolicies } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

const ACCOUNT = '111111111111';
const KB = `arn:aws:bedrock:us-east-1:${ACCOUNT}:knowledge-base/ABCDE12345`;
const OTHER_KB = `arn:aws:bedrock:us-east-1:${ACCOUNT}:knowledge-base/ZZZZZ99999`;
const ALIAS = `arn:aws:bedrock:us-east-1:${ACCOUNT}:agent-alias/AGENT12345/ALIAS12345`;
const RUNTIME = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:runtime/helper_agent-AbC123`;
const GATEWAY = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/tools-gw-abc123`;
const NOVA = 'amazon.nova-pro-v1:0';

function synthRole(stack: Stack, name: string): RolePolicies {
  const template = Template.fromStack(stack).toJSON();
  return rolePolicies(template, agentRoleId(template, name));
}

describe('knowledge base, agent alias and AgentCore grants (simulated)', () => {
  // GIVEN one agent that retrieves, one that retrieves and generates, one that calls other agents
  const { stack } = newStack();
  const retriever = new AgentIdentity(stack, 'Retriever', {
    agentName: 'retriever',
    runtime: AgentRuntime.lambdaFunction(),
  });
  const rag = new AgentIdentity(stack, 'Rag', { agentName: 'rag', runtime: AgentRuntime.lambdaFunction() });
  const orchestrator = new AgentIdentity(stack, 'Orch', {
    agentName: 'orchestrator',
    runtime: AgentRuntime.lambdaFunction(),
  });
  BedrockKnowledgeBase.fromArn(KB).grantRetrieve(retriever);
  BedrockKnowledgeBase.fromKnowledgeBaseId('ABCDE12345').grantRetrieveAndGenerate(
    rag,
    BedrockModel.foundationModel(NOVA),
  );
  BedrockAgentAlias.fromArn(ALIAS).grantInvoke(orchestrator);
  AgentCoreTarget.runtime(RUNTIME).grantInvoke(orchestrator);
  AgentCoreTarget.gateway(GATEWAY).grantInvoke(orchestrator);
  const roles = {
    retriever: synthRole(stack, 'retriever'),
    rag: synthRole(stack, 'rag'),
    orchestrator: synthRole(stack, 'orchestrator'),
  };

  test.each([
    ['retriever', 'bedrock:Retrieve', KB, 'Allowed'],
    ['retriever', 'bedrock:Retrieve', OTHER_KB, 'ImplicitlyDenied'],
    ['retriever', 'bedrock:RetrieveAndGenerate', '*', 'ImplicitlyDenied'],
    ['rag', 'bedrock:Retrieve', KB, 'Allowed'],
    ['rag', 'bedrock:RetrieveAndGenerate', '*', 'Allowed'],
    ['rag', 'bedrock:InvokeModel', `arn:aws:bedrock:us-east-1::foundation-model/${NOVA}`, 'Allowed'],
    [
      'rag',
      'bedrock:InvokeModel',
      'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
      'ImplicitlyDenied',
    ],
    ['orchestrator', 'bedrock:InvokeAgent', ALIAS, 'Allowed'],
    [
      'orchestrator',
      'bedrock:InvokeAgent',
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:agent-alias/AGENT12345/OTHER12345`,
      'ImplicitlyDenied',
    ],
    ['orchestrator', 'bedrock-agentcore:InvokeAgentRuntime', RUNTIME, 'Allowed'],
    [
      'orchestrator',
      'bedrock-agentcore:InvokeAgentRuntime',
      `${RUNTIME}/runtime-endpoint/DEFAULT`,
      'Allowed',
    ],
    [
      'orchestrator',
      'bedrock-agentcore:InvokeAgentRuntime',
      `${RUNTIME}/runtime-endpoint/canary`,
      'ImplicitlyDenied',
    ],
    [
      'orchestrator',
      'bedrock-agentcore:InvokeAgentRuntime',
      `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:runtime/other-Xyz`,
      'ImplicitlyDenied',
    ],
    ['orchestrator', 'bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStream', RUNTIME, 'ImplicitlyDenied'],
    ['orchestrator', 'bedrock-agentcore:InvokeGateway', GATEWAY, 'Allowed'],
    [
      'orchestrator',
      'bedrock-agentcore:InvokeGateway',
      `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/other-gw`,
      'ImplicitlyDenied',
    ],
  ] as const)('%s %s on %s is %s', async (who, action, resource, expected) => {
    // WHEN the agent makes the request THEN IAM decides as expected
    expect(await simulate(roles[who], { action, resource })).toBe(expected);
  });

  test('entitlements name the CloudTrail data event resource types', () => {
    expect(retriever.entitlements).toEqual([
      {
        kind: 'knowledge-base',
        description: 'retrieve from knowledge base ' + KB,
        auditedResources: [{ resourceType: 'AWS::Bedrock::KnowledgeBase', arn: KB }],
      },
    ]);
    expect(orchestrator.entitlements.map((e) => e.auditedResources[0].resourceType)).toEqual([
      'AWS::Bedrock::AgentAlias',
      'AWS::BedrockAgentCore::Runtime',
      'AWS::BedrockAgentCore::Gateway',
    ]);
    expect(rag.entitlements.map((e) => e.kind)).toEqual(['knowledge-base', 'model', 'knowledge-base']);
  });
});

describe('AgentCore runtime options', () => {
  test('a named endpoint and the WebSocket stream', async () => {
    // GIVEN
    const { stack } = newStack();
    const agent = new AgentIdentity(stack, 'A', {
      agentName: 'caller',
      runtime: AgentRuntime.lambdaFunction(),
    });
    // WHEN
    AgentCoreTarget.runtime(RUNTIME, { endpointName: 'prod', webSocketStream: true }).grantInvoke(agent);
    // THEN
    const role = synthRole(stack, 'caller');
    const ws = 'bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStream';
    expect(await simulate(role, { action: ws, resource: `${RUNTIME}/runtime-endpoint/prod` })).toBe(
      'Allowed',
    );
    expect(await simulate(role, { action: ws, resource: `${RUNTIME}/runtime-endpoint/DEFAULT` })).toBe(
      'ImplicitlyDenied',
    );
  });
});

describe('errors', () => {
  test.each([
    [
      'a KB ARN of another type',
      () => BedrockKnowledgeBase.fromArn(ALIAS),
      /is not of the form .*knowledge-base/,
    ],
    [
      'a KB wildcard',
      () => BedrockKnowledgeBase.fromArn(`arn:aws:bedrock:us-east-1:${ACCOUNT}:knowledge-base/*`),
      /wildcard/,
    ],
    ['a short KB id', () => BedrockKnowledgeBase.fromKnowledgeBaseId('abc'), /must be 10 letters or digits/],
    [
      'an alias ARN without alias id',
      () => BedrockAgentAlias.fromArn(`arn:aws:bedrock:us-east-1:${ACCOUNT}:agent-alias/AGENT12345`),
      /is not of the form/,
    ],
    ['a wildcard alias id', () => BedrockAgentAlias.fromIds('AGENT12345', '*'), /wildcard/],
    [
      'a bedrock ARN as runtime',
      () => AgentCoreTarget.runtime(ALIAS),
      /is not of the form .*bedrock-agentcore/,
    ],
    [
      'a runtime endpoint wildcard',
      () => AgentCoreTarget.runtime(RUNTIME, { endpointName: '*' }),
      /wildcard/,
    ],
    ['a runtime ARN as gateway', () => AgentCoreTarget.gateway(RUNTIME), /is not of the form .*gateway/],
  ])('%s is refused', (_what, make, message) => {
    expect(make).toThrow(message);
  });
});
