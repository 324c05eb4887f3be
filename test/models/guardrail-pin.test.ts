import { Aws, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import {
  AgentIdentity,
  AgentRuntime,
  BedrockAgentAlias,
  BedrockKnowledgeBase,
  BedrockModel,
  GuardrailPin,
  IAgentModel,
} from '../../lib';
import { agentRoleId, rolePolicies } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ACCOUNT = '111111111111';
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const GUARDRAIL_ARN = `arn:aws:bedrock:us-east-1:${ACCOUNT}:guardrail/abc123`;

function agentIn(stack: Stack, name = 'pinned'): AgentIdentity {
  return new AgentIdentity(stack, `Agent-${name}`, {
    agentName: name,
    runtime: AgentRuntime.lambdaFunction(),
  });
}

function statements(stack: Stack, name = 'pinned'): Json[] {
  const template = Template.fromStack(stack).toJSON();
  return rolePolicies(template, agentRoleId(template, name)).identityPolicies.find(
    (p) => p.name === 'AgentAccess',
  )!.policy.Statement;
}

describe('GuardrailPin', () => {
  test('pins a CfnGuardrail: allow with the pin, deny otherwise, ApplyGuardrail on the guardrail', () => {
    // GIVEN a guardrail construct
    const { stack } = newStack();
    const guardrail = new bedrock.CfnGuardrail(stack, 'Guard', {
      name: 'guard',
      blockedInputMessaging: 'no',
      blockedOutputsMessaging: 'no',
    });
    // WHEN a model is granted with version 3 pinned
    agentIn(stack).grantModels([BedrockModel.foundationModel(HAIKU)], {
      guardrail: GuardrailPin.version(guardrail, '3'),
    });
    // THEN the three statements are exactly these
    const model = `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`;
    const pinned = `arn:aws:bedrock:us-east-1:${ACCOUNT}:guardrail/guard:3`;
    expect(statements(stack)).toEqual([
      {
        Effect: 'Allow',
        Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        Resource: model,
        Condition: { StringEquals: { 'bedrock:GuardrailIdentifier': pinned } },
      },
      {
        Effect: 'Deny',
        Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        Resource: model,
        Condition: { StringNotEquals: { 'bedrock:GuardrailIdentifier': pinned } },
      },
      {
        Effect: 'Allow',
        Action: 'bedrock:ApplyGuardrail',
        Resource: `arn:aws:bedrock:us-east-1:${ACCOUNT}:guardrail/guard`,
      },
    ]);
    // AND the pinned identifier refers to the guardrail's ARN attribute, not a copy of it
    const raw = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(raw).toContain('"Fn::GetAtt":["Guard","GuardrailArn"]');
  });

  test('pins a guardrail ARN and records the guardrail for the audit trail', () => {
    const { stack } = newStack();
    const agent = agentIn(stack);
    agent.grantModels([BedrockModel.foundationModel(HAIKU)], {
      guardrail: GuardrailPin.version(GUARDRAIL_ARN, '12'),
    });
    expect(statements(stack)[1].Condition).toEqual({
      StringNotEquals: { 'bedrock:GuardrailIdentifier': `${GUARDRAIL_ARN}:12` },
    });
    expect(agent.entitlements.map((e) => e.kind)).toEqual(['model', 'guardrail']);
    expect(agent.entitlements[1].auditedResources).toEqual([
      { resourceType: 'AWS::Bedrock::Guardrail', arn: GUARDRAIL_ARN },
    ]);
  });

  test('the Deny names what the caller calls: the profile, not its destination models', () => {
    const { stack } = newStack();
    agentIn(stack).grantModels(
      [BedrockModel.inferenceProfile('us.anthropic.claude-sonnet-4-20250514-v1:0')],
      {
        guardrail: GuardrailPin.version(GUARDRAIL_ARN, '1'),
      },
    );
    const deny = statements(stack).find((s) => s.Effect === 'Deny');
    expect(deny.Resource).toBe(
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0`,
    );
  });

  test('a version token (CfnGuardrailVersion.attrVersion) is accepted', () => {
    const { stack } = newStack();
    const guardrail = new bedrock.CfnGuardrail(stack, 'Guard', {
      name: 'g',
      blockedInputMessaging: 'n',
      blockedOutputsMessaging: 'n',
    });
    const version = new bedrock.CfnGuardrailVersion(stack, 'V', {
      guardrailIdentifier: guardrail.attrGuardrailId,
    });
    agentIn(stack).grantModels([BedrockModel.foundationModel(HAIKU)], {
      guardrail: GuardrailPin.version(guardrail, version.attrVersion),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Policies: Match.arrayWith([
        Match.objectLike({
          PolicyDocument: Match.objectLike({
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Condition: {
                  StringNotEquals: {
                    'bedrock:GuardrailIdentifier': {
                      'Fn::Join': [
                        '',
                        [
                          { 'Fn::GetAtt': ['Guard', 'GuardrailArn'] },
                          ':',
                          { 'Fn::GetAtt': ['V', 'Version'] },
                        ],
                      ],
                    },
                  },
                },
              }),
            ]),
          }),
        }),
      ]),
    });
  });

  test.each([
    ['DRAFT', () => GuardrailPin.version(GUARDRAIL_ARN, 'DRAFT'), /'DRAFT' cannot be pinned/],
    ['version 0', () => GuardrailPin.version(GUARDRAIL_ARN, '0'), /must be a number from 1 to 99999999/],
    [
      'a numeric version',
      () => GuardrailPin.version(GUARDRAIL_ARN, 3 as unknown as string),
      /must be a string such as '3'/,
    ],
    ['a versioned ARN', () => GuardrailPin.version(`${GUARDRAIL_ARN}:3`, '3'), /carries a version/],
    [
      'a wildcard ARN',
      () => GuardrailPin.version(`arn:aws:bedrock:us-east-1:${ACCOUNT}:guardrail/*`, '3'),
      /wildcard/,
    ],
    [
      'a non-guardrail ARN',
      () => GuardrailPin.version(`arn:aws:bedrock:us-east-1:${ACCOUNT}:agent/abc`, '3'),
      /is not of the form/,
    ],
    [
      'nothing',
      () => GuardrailPin.version(undefined as unknown as string, '3'),
      /needs a CfnGuardrail or a guardrail ARN/,
    ],
  ])('%s is refused at the grant, with the agent path and the factory', (_what, make, message) => {
    // WHEN the factory runs, nothing is thrown yet (it has no place in the construct tree)
    const pin = make();
    // THEN the grant the pin ends up in fails at the agent, naming the factory, the bad value and the fix
    const { stack } = newStack();
    const agent = agentIn(stack);
    const grant = () =>
      agent.grantModels([BedrockModel.foundationModel('anthropic.claude-3-5-haiku-20241022-v1:0')], {
        guardrail: pin,
      });
    expect(grant).toThrow(/^TestStack\/Agent-pinned: GuardrailPin\.version: /);
    expect(grant).toThrow(message);
  });

  test('a token guardrail ARN is accepted', () => {
    expect(
      GuardrailPin.version(`arn:${Aws.PARTITION}:bedrock:us-east-1:${ACCOUNT}:guardrail/abc`, '2')
        .guardrailVersion,
    ).toBe('2');
  });

  test('a model that is not a BedrockModel cannot be pinned', () => {
    const { stack } = newStack();
    const other: IAgentModel = {
      grantInvokeToAgent: (agent) => BedrockModel.foundationModel(HAIKU).grantInvokeToAgent(agent, {}),
    };
    expect(() =>
      agentIn(stack).grantModels([other], { guardrail: GuardrailPin.version(GUARDRAIL_ARN, '1') }),
    ).toThrow(/a guardrail can only be pinned on BedrockModel models/);
  });
});

describe('guardrail bypass warning', () => {
  const WARNING = /pinned to a guardrail but may also call .*(RetrieveAndGenerate|InvokeAgent)/;

  test.each([
    ['RetrieveAndGenerate granted after the pin', 'kb-after'],
    ['RetrieveAndGenerate granted before the pin', 'kb-before'],
    ['InvokeAgent granted after the pin', 'alias-after'],
  ])('%s warns at synth', (_what, order) => {
    // GIVEN an agent with a pinned guardrail and an API that calls models inside Bedrock
    const { stack } = newStack();
    const agent = agentIn(stack);
    const kb = BedrockKnowledgeBase.fromKnowledgeBaseId('ABCDE12345');
    const pin = () =>
      agent.grantModels([BedrockModel.foundationModel(HAIKU)], {
        guardrail: GuardrailPin.version(GUARDRAIL_ARN, '1'),
      });
    const internal = () =>
      order.startsWith('kb')
        ? kb.grantRetrieveAndGenerate(agent, BedrockModel.foundationModel(HAIKU))
        : BedrockAgentAlias.fromIds('AGENT12345', 'ALIAS12345').grantInvoke(agent);
    // WHEN both are granted, in either order
    if (order.endsWith('after')) {
      pin();
      internal();
    } else {
      internal();
      pin();
    }
    // THEN one warning explains the gap
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(WARNING.source));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].id).toBe('/TestStack/Agent-pinned');
  });

  test('no warning without a pin, or without an internal caller', () => {
    const { stack } = newStack();
    BedrockKnowledgeBase.fromKnowledgeBaseId('ABCDE12345').grantRetrieveAndGenerate(
      agentIn(stack, 'rag'),
      BedrockModel.foundationModel(HAIKU),
    );
    agentIn(stack, 'guarded').grantModels([BedrockModel.foundationModel(HAIKU)], {
      guardrail: GuardrailPin.version(GUARDRAIL_ARN, '1'),
    });
    expect(
      Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(WARNING.source)),
    ).toHaveLength(0);
  });
});
