import { Template } from 'aws-cdk-lib/assertions';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { AgentIdentity, AgentRuntime, BedrockModel, GuardrailPin } from '../../lib';
import { agentRoleId, rolePolicies, simulate, RolePolicies } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

const ACCOUNT = '111111111111';
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const SONNET = 'anthropic.claude-sonnet-4-20250514-v1:0';
const SONNET_45 = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const fm = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
const profile = (id: string) => `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/${id}`;
const INVOKE = 'bedrock:InvokeModel';
const STREAM = 'bedrock:InvokeModelWithResponseStream';

/** Synthesizes one agent granted `grant`, and returns its role as IAM sees it. */
function agentWith(grant: (agent: AgentIdentity, stack: import('aws-cdk-lib').Stack) => void): RolePolicies {
  const { stack } = newStack();
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'model-user',
    runtime: AgentRuntime.lambdaFunction(),
  });
  grant(agent, stack);
  const template = Template.fromStack(stack).toJSON();
  return rolePolicies(template, agentRoleId(template, 'model-user'));
}

describe('model grants (simulated the way IAM evaluates them)', () => {
  // GIVEN an agent granted one foundation model, one US profile and one global profile
  const role = agentWith((agent) =>
    agent.grantModels([
      BedrockModel.foundationModel(HAIKU),
      BedrockModel.inferenceProfile(`us.${SONNET}`),
      BedrockModel.globalInferenceProfile(`global.${SONNET_45}`),
    ]),
  );

  test.each([INVOKE, STREAM])('the granted foundation model is allowed (%s)', async (action) => {
    // WHEN the agent invokes the model it was granted
    // THEN IAM allows it
    expect(await simulate(role, { action, resource: fm('us-east-1', HAIKU) })).toBe('Allowed');
  });

  test.each([
    ['another model in the same region', fm('us-east-1', 'anthropic.claude-3-opus-20240229-v1:0')],
    ['the granted model in another region', fm('eu-west-1', HAIKU)],
    ['another inference profile', profile(`us.${HAIKU}`)],
  ])('%s is denied', async (_what, resource) => {
    expect(await simulate(role, { action: INVOKE, resource })).toBe('ImplicitlyDenied');
  });

  test('the granted inference profile is allowed', async () => {
    expect(await simulate(role, { action: INVOKE, resource: profile(`us.${SONNET}`) })).toBe('Allowed');
  });

  test.each(['us-east-1', 'us-east-2', 'us-west-2'])(
    'the profile model in destination %s is allowed through the profile',
    async (region) => {
      // WHEN Bedrock routes the profile call to the destination region
      const decision = await simulate(role, {
        action: INVOKE,
        resource: fm(region, SONNET),
        context: { 'bedrock:InferenceProfileArn': profile(`us.${SONNET}`) },
      });
      // THEN the foundation model is allowed
      expect(decision).toBe('Allowed');
    },
  );

  test.each(['us-east-1', 'us-east-2', 'us-west-2'])(
    'the profile model in destination %s is denied when called directly',
    async (region) => {
      // WHEN the agent calls the foundation model without going through the profile
      // THEN it is denied: the model is only reachable through the profile
      expect(await simulate(role, { action: INVOKE, resource: fm(region, SONNET) })).toBe('ImplicitlyDenied');
    },
  );

  test('the profile model is denied through another profile', async () => {
    const decision = await simulate(role, {
      action: INVOKE,
      resource: fm('us-east-2', SONNET),
      context: { 'bedrock:InferenceProfileArn': profile(`us.${HAIKU}`) },
    });
    expect(decision).toBe('ImplicitlyDenied');
  });

  test('a region outside the geography is not granted even through the profile', async () => {
    const decision = await simulate(role, {
      action: INVOKE,
      resource: fm('eu-west-1', SONNET),
      context: { 'bedrock:InferenceProfileArn': profile(`us.${SONNET}`) },
    });
    expect(decision).toBe('ImplicitlyDenied');
  });

  test('the global profile and its source-region model are reachable only through the profile', async () => {
    // (The region-less foundation-model ARN of a global profile is asserted on the template in
    // bedrock-model.test.ts: the simulator has no resource type for an ARN without a region.)
    expect(await simulate(role, { action: INVOKE, resource: profile(`global.${SONNET_45}`) })).toBe(
      'Allowed',
    );
    expect(
      await simulate(role, {
        action: INVOKE,
        resource: fm('us-east-1', SONNET_45),
        context: { 'bedrock:InferenceProfileArn': profile(`global.${SONNET_45}`) },
      }),
    ).toBe('Allowed');
    expect(await simulate(role, { action: INVOKE, resource: fm('us-east-1', SONNET_45) })).toBe(
      'ImplicitlyDenied',
    );
  });

  test('streaming: false grants InvokeModel but not the stream', async () => {
    // GIVEN a grant without streaming
    const noStream = agentWith((agent) =>
      agent.grantModels([BedrockModel.foundationModel(HAIKU)], { streaming: false }),
    );
    // THEN only the non-streaming action is allowed
    expect(await simulate(noStream, { action: INVOKE, resource: fm('us-east-1', HAIKU) })).toBe('Allowed');
    expect(await simulate(noStream, { action: STREAM, resource: fm('us-east-1', HAIKU) })).toBe(
      'ImplicitlyDenied',
    );
  });
});

describe('an application inference profile (simulated)', () => {
  const APP = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/abc123def456`;
  // GIVEN an application profile copied from the US profile
  const role = agentWith((agent) =>
    agent.grantModels([
      BedrockModel.applicationInferenceProfile(APP, {
        underlying: BedrockModel.inferenceProfile(`us.${SONNET}`),
      }),
    ]),
  );

  test('the application profile is allowed', async () => {
    expect(await simulate(role, { action: INVOKE, resource: APP })).toBe('Allowed');
  });

  test('the underlying models are allowed only through the application profile', async () => {
    const through = { 'bedrock:InferenceProfileArn': APP };
    expect(
      await simulate(role, { action: INVOKE, resource: fm('us-west-2', SONNET), context: through }),
    ).toBe('Allowed');
    expect(await simulate(role, { action: INVOKE, resource: fm('us-west-2', SONNET) })).toBe(
      'ImplicitlyDenied',
    );
  });

  test('the system profile it was copied from is not granted', async () => {
    expect(await simulate(role, { action: INVOKE, resource: profile(`us.${SONNET}`) })).toBe(
      'ImplicitlyDenied',
    );
  });
});

describe('a pinned guardrail (simulated)', () => {
  const GUARDRAIL = `arn:aws:bedrock:us-east-1:${ACCOUNT}:guardrail/guard`;
  const pinned = `${GUARDRAIL}:3`;

  // GIVEN models granted with guardrail version 3 pinned, and (wrongly) a second unpinned grant
  // of the same model that only the Deny can stop
  const role = agentWith((agent, stack) => {
    const guardrail = new bedrock.CfnGuardrail(stack, 'Guard', {
      name: 'guard',
      blockedInputMessaging: 'blocked',
      blockedOutputsMessaging: 'blocked',
    });
    agent.grantModels([BedrockModel.foundationModel(HAIKU), BedrockModel.inferenceProfile(`us.${SONNET}`)], {
      guardrail: GuardrailPin.version(guardrail, '3'),
    });
    BedrockModel.foundationModel(HAIKU).grantInvokeToAgent(agent, {});
  });

  test.each([
    ['the foundation model', fm('us-east-1', HAIKU)],
    ['the inference profile', profile(`us.${SONNET}`)],
  ])('%s is allowed with the pinned version', async (_what, resource) => {
    // WHEN the call carries the pinned guardrail version
    const decision = await simulate(role, {
      action: INVOKE,
      resource,
      context: { 'bedrock:GuardrailIdentifier': pinned },
    });
    // THEN it is allowed
    expect(decision).toBe('Allowed');
  });

  test.each([
    ['the foundation model', fm('us-east-1', HAIKU)],
    ['the inference profile', profile(`us.${SONNET}`)],
  ])('%s is explicitly denied without a guardrail', async (_what, resource) => {
    expect(await simulate(role, { action: INVOKE, resource })).toBe('ExplicitlyDenied');
    expect(await simulate(role, { action: STREAM, resource })).toBe('ExplicitlyDenied');
  });

  test.each([
    ['another version', `${GUARDRAIL}:2`],
    ['the unversioned guardrail', GUARDRAIL],
    ['another guardrail', `arn:aws:bedrock:us-east-1:${ACCOUNT}:guardrail/other:3`],
  ])('the model is explicitly denied with %s', async (_what, identifier) => {
    const decision = await simulate(role, {
      action: INVOKE,
      resource: fm('us-east-1', HAIKU),
      context: { 'bedrock:GuardrailIdentifier': identifier },
    });
    expect(decision).toBe('ExplicitlyDenied');
  });

  test('ApplyGuardrail is allowed on the pinned guardrail only', async () => {
    expect(await simulate(role, { action: 'bedrock:ApplyGuardrail', resource: GUARDRAIL })).toBe('Allowed');
    expect(
      await simulate(role, {
        action: 'bedrock:ApplyGuardrail',
        resource: `arn:aws:bedrock:us-east-1:${ACCOUNT}:guardrail/other`,
      }),
    ).toBe('ImplicitlyDenied');
  });

  test('the profile still routes to its destination models', async () => {
    const decision = await simulate(role, {
      action: INVOKE,
      resource: fm('us-west-2', SONNET),
      context: {
        'bedrock:InferenceProfileArn': profile(`us.${SONNET}`),
        'bedrock:GuardrailIdentifier': pinned,
      },
    });
    expect(decision).toBe('Allowed');
  });
});
