import { App, Aws, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  AgentIdentity,
  AgentRuntime,
  BedrockModel,
  BedrockModelKind,
  InferenceProfileRegions,
} from '../../lib';
import { agentRoleId, rolePolicies } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ACCOUNT = '111111111111';
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const SONNET = 'anthropic.claude-sonnet-4-20250514-v1:0';

/**
 * The error the grant of `model` throws: a factory keeps its validation error until a grant
 * names the agent (lib/shared/deferred-factory-errors.ts).
 */
function grantError(model: BedrockModel): string {
  const { stack } = newStack();
  try {
    grantIn(stack, model);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

function grantIn(stack: Stack, ...models: BedrockModel[]): AgentIdentity {
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'model-user',
    runtime: AgentRuntime.lambdaFunction(),
  });
  agent.grantModels(models);
  return agent;
}

/** The agent's resolved inline-policy statements (account 111111111111, us-east-1, partition aws). */
function statements(stack: Stack): Json[] {
  const template = Template.fromStack(stack).toJSON();
  const role = rolePolicies(template, agentRoleId(template, 'model-user'));
  return role.identityPolicies.find((p) => p.name === 'AgentAccess')!.policy.Statement;
}

const resourcesOf = (s: Json): string[] => [s.Resource].flat();

describe('BedrockModel ARN shapes', () => {
  test('a foundation model is its region-scoped, account-less ARN', () => {
    // GIVEN / WHEN
    const { stack } = newStack();
    grantIn(stack, BedrockModel.foundationModel(HAIKU));
    // THEN
    expect(statements(stack)).toEqual([
      {
        Effect: 'Allow',
        Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        Resource: `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`,
      },
    ]);
  });

  test('a foundation model in another region', () => {
    const { stack } = newStack();
    grantIn(stack, BedrockModel.foundationModel(HAIKU, { region: 'us-west-2' }));
    expect(resourcesOf(statements(stack)[0])).toEqual([
      `arn:aws:bedrock:us-west-2::foundation-model/${HAIKU}`,
    ]);
  });

  test('ARNs are partition-aware: an aws-cn stack gets AWS::Partition, never a literal arn:aws:', () => {
    // GIVEN a stack in China
    const app = new App();
    const stack = new Stack(app, 'China', { env: { account: ACCOUNT, region: 'cn-north-1' } });
    grantIn(
      stack,
      BedrockModel.foundationModel(HAIKU),
      BedrockModel.globalInferenceProfile(`global.${SONNET}`),
    );
    // THEN every ARN takes its partition from the deployment
    const role =
      Template.fromStack(stack).toJSON().Resources[
        agentRoleId(Template.fromStack(stack).toJSON(), 'model-user')
      ];
    const policy = JSON.stringify(role.Properties.Policies);
    expect(policy).toContain('{"Ref":"AWS::Partition"}');
    expect(policy).toContain(':bedrock:cn-north-1::foundation-model/');
    expect(policy).not.toMatch(/arn:aws[-a-z]*:/);
  });

  test('an env-agnostic stack uses the deployment region for the source-region model', () => {
    const stack = new Stack(new App(), 'Agnostic');
    grantIn(stack, BedrockModel.inferenceProfile(`eu.${SONNET}`));
    const json = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(json).toContain('{"Ref":"AWS::Region"}');
    expect(json).toContain(`:bedrock:eu-west-3::foundation-model/${SONNET}`);
  });

  test.each([
    ['us', 'us-east-1', InferenceProfileRegions.destinationRegions('us')!],
    ['eu', 'eu-central-1', InferenceProfileRegions.destinationRegions('eu')!],
    ['apac', 'ap-northeast-1', InferenceProfileRegions.destinationRegions('apac')!],
    ['jp', 'ap-northeast-1', ['ap-northeast-1', 'ap-northeast-3']],
    ['au', 'ap-southeast-2', ['ap-southeast-2', 'ap-southeast-4']],
    ['ca', 'ca-central-1', ['ca-central-1', 'ca-west-1']],
    ['us-gov', 'us-gov-west-1', ['us-gov-east-1', 'us-gov-west-1']],
  ])(
    'a %s. profile grants its profile and, through it, the model in %s and its destinations',
    (prefix, region, regions) => {
      // GIVEN a stack in a source region of the geography
      const stack = new Stack(new App(), 'Geo', { env: { account: ACCOUNT, region } });
      grantIn(stack, BedrockModel.inferenceProfile(`${prefix}.${SONNET}`));
      // THEN the profile ARN is in the stack's region, the models are conditioned on it
      const template = Template.fromStack(stack).toJSON();
      const json = JSON.stringify(template);
      expect(json).toContain(`:bedrock:${region}:${ACCOUNT}:inference-profile/${prefix}.${SONNET}`);
      for (const r of regions) expect(json).toContain(`:bedrock:${r}::foundation-model/${SONNET}`);
      const policy =
        template.Resources[agentRoleId(template, 'model-user')].Properties.Policies[0].PolicyDocument;
      const routed = policy.Statement.find(
        (s: Json) => s.Condition?.StringEquals?.['bedrock:InferenceProfileArn'],
      );
      expect([routed.Resource].flat()).toHaveLength(regions.length);
    },
  );

  test('destinationRegions overrides the table, and the stack region is always included', () => {
    const { stack } = newStack();
    grantIn(stack, BedrockModel.inferenceProfile(`us.${SONNET}`, { destinationRegions: ['us-west-2'] }));
    const routed = statements(stack).find((s) => s.Condition);
    expect(resourcesOf(routed).sort()).toEqual([
      `arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`,
      `arn:aws:bedrock:us-west-2::foundation-model/${SONNET}`,
    ]);
    expect(routed.Condition).toEqual({
      StringEquals: {
        'bedrock:InferenceProfileArn': `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.${SONNET}`,
      },
    });
  });

  test('a global profile grants the region-less model ARN as AWS documents it', () => {
    const { stack } = newStack();
    grantIn(stack, BedrockModel.globalInferenceProfile(`global.${SONNET}`));
    const profileArn = `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/global.${SONNET}`;
    expect(statements(stack)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Resource: profileArn }),
        expect.objectContaining({
          Resource: `arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`,
          Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
        }),
        expect.objectContaining({
          Resource: `arn:aws:bedrock:::foundation-model/${SONNET}`,
          Condition: {
            StringEquals: { 'bedrock:InferenceProfileArn': profileArn, 'aws:RequestedRegion': 'unspecified' },
          },
        }),
      ]),
    );
    expect(statements(stack)).toHaveLength(3);
  });

  test.each([
    ['provisionedModel', BedrockModelKind.PROVISIONED_MODEL, 'provisioned-model/abc123xyz'],
    [
      'customModelDeployment',
      BedrockModelKind.CUSTOM_MODEL_DEPLOYMENT,
      'custom-model-deployment/abcdef123456',
    ],
    ['importedModel', BedrockModelKind.IMPORTED_MODEL, 'imported-model/abcdef123456'],
  ])('%s grants exactly its ARN', (factory, kind, resource) => {
    const arn = `arn:aws:bedrock:us-east-1:${ACCOUNT}:${resource}`;
    const model = (BedrockModel as unknown as Record<string, (a: string) => BedrockModel>)[factory](arn);
    expect(model.kind).toBe(kind);
    const { stack } = newStack();
    grantIn(stack, model);
    expect(statements(stack)).toEqual([expect.objectContaining({ Effect: 'Allow', Resource: arn })]);
  });

  test('an application profile on a foundation model conditions the model on the application profile', () => {
    const app = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/abc123`;
    const { stack } = newStack();
    grantIn(
      stack,
      BedrockModel.applicationInferenceProfile(app, { underlying: BedrockModel.foundationModel(HAIKU) }),
    );
    expect(statements(stack)).toEqual([
      expect.objectContaining({ Resource: app }),
      expect.objectContaining({
        Resource: `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`,
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': app } },
      }),
    ]);
  });

  test('an ARN given as a token is used as is', () => {
    const { stack } = newStack();
    const arn = `arn:${Aws.PARTITION}:bedrock:${Aws.REGION}:${Aws.ACCOUNT_ID}:provisioned-model/abc`;
    grantIn(stack, BedrockModel.provisionedModel(arn));
    expect(resourcesOf(statements(stack)[0])).toEqual([
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:provisioned-model/abc`,
    ]);
  });

  test('a model grant is recorded as an entitlement (management events: nothing for the trail to select)', () => {
    const { stack } = newStack();
    const agent = grantIn(stack, BedrockModel.foundationModel(HAIKU));
    expect(agent.entitlements).toEqual([
      { kind: 'model', description: `invoke foundation-model ${HAIKU} (streaming)`, auditedResources: [] },
    ]);
  });
});

describe('BedrockModel errors', () => {
  test.each([
    ['a * in a model id', () => BedrockModel.foundationModel('anthropic.*'), /contains a wildcard/],
    ['a ? in a model id', () => BedrockModel.foundationModel('anthropic.claude-?'), /contains a wildcard/],
    ['a * in a profile id', () => BedrockModel.inferenceProfile('us.anthropic.*'), /contains a wildcard/],
    [
      'a * in an ARN',
      () => BedrockModel.provisionedModel(`arn:aws:bedrock:us-east-1:${ACCOUNT}:provisioned-model/*`),
      /contains a wildcard/,
    ],
    [
      'an ARN as model id',
      () => BedrockModel.foundationModel(`arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`),
      /is an ARN/,
    ],
    [
      'a profile id as model id',
      () => BedrockModel.foundationModel(`us.${SONNET}`),
      /use BedrockModel\.inferenceProfile/,
    ],
    [
      'a global id as model id',
      () => BedrockModel.foundationModel(`global.${SONNET}`),
      /use BedrockModel\.globalInferenceProfile/,
    ],
    [
      'a malformed model id',
      () => BedrockModel.foundationModel('claude sonnet'),
      /is not a Bedrock model id/,
    ],
    ['an empty model id', () => BedrockModel.foundationModel(''), /needs a model id/],
    [
      'a bad region',
      () => BedrockModel.foundationModel(HAIKU, { region: 'virginia' }),
      /is not a region name/,
    ],
    [
      'a global id as geographic profile',
      () => BedrockModel.inferenceProfile(`global.${SONNET}`),
      /use BedrockModel\.globalInferenceProfile/,
    ],
    [
      'a geographic id as global profile',
      () => BedrockModel.globalInferenceProfile(`us.${SONNET}`),
      /must start with 'global\.'/,
    ],
    ['a token profile id', () => BedrockModel.inferenceProfile(Aws.STACK_NAME), /needs a literal profile id/],
    [
      'empty destinationRegions',
      () => BedrockModel.inferenceProfile(`us.${SONNET}`, { destinationRegions: [] }),
      /at least one region/,
    ],
    [
      'a wildcard destination region',
      () => BedrockModel.inferenceProfile(`us.${SONNET}`, { destinationRegions: ['us-*'] }),
      /wildcard/,
    ],
    [
      'an application profile without underlying',
      () =>
        BedrockModel.applicationInferenceProfile(
          `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/a1`,
          {} as never,
        ),
      /needs \{ underlying \}/,
    ],
    [
      'an application profile on a provisioned model',
      () =>
        BedrockModel.applicationInferenceProfile(
          `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/a1`,
          {
            underlying: BedrockModel.provisionedModel(
              `arn:aws:bedrock:us-east-1:${ACCOUNT}:provisioned-model/p1`,
            ),
          },
        ),
      /foundationModel, inferenceProfile or globalInferenceProfile/,
    ],
    [
      'a provisioned model with the wrong type',
      () => BedrockModel.provisionedModel(`arn:aws:bedrock:us-east-1:${ACCOUNT}:imported-model/x1`),
      /is not of the form .*provisioned-model/,
    ],
    [
      'an imported model from another service',
      () => BedrockModel.importedModel(`arn:aws:sagemaker:us-east-1:${ACCOUNT}:imported-model/x1`),
      /is not of the form/,
    ],
    [
      'a custom deployment without account',
      () => BedrockModel.customModelDeployment('arn:aws:bedrock:us-east-1::custom-model-deployment/x1'),
      /is not of the form/,
    ],
  ])('%s is refused at the grant, with the agent path and the factory', (_what, make, message) => {
    // WHEN the factory runs, nothing is thrown yet (it has no place in the construct tree)
    const model = make();
    // THEN the grant that uses it fails at the agent, naming the factory, the bad value and the fix
    const error = grantError(model);
    expect(error).toMatch(/^TestStack\/Agent: BedrockModel\.\w+: /);
    expect(error).toMatch(message);
  });

  test('a bad model nested as the underlying of an application profile fails at the grant, not silently', () => {
    const profile = BedrockModel.applicationInferenceProfile(
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/p1`,
      { underlying: BedrockModel.foundationModel('anthropic.*') },
    );
    expect(grantError(profile)).toMatch(
      /^TestStack\/Agent: BedrockModel\.foundationModel: .*contains a wildcard/,
    );
  });

  test('an unknown profile prefix is refused with the list of known prefixes', () => {
    expect(grantError(BedrockModel.inferenceProfile(`xx.${SONNET}`))).toMatch(
      /unknown prefix "xx"; known geographic prefixes are apac, au, ca, eu, jp, us, us-gov \(and global/,
    );
  });

  test('a foundation model id given to inferenceProfile is refused', () => {
    expect(grantError(BedrockModel.inferenceProfile(SONNET))).toMatch(
      /unknown prefix "anthropic".*use BedrockModel\.foundationModel/,
    );
  });

  test('a profile of another geography than the stack region is refused at grant time', () => {
    // GIVEN a stack in us-east-1 and an EU profile
    const { stack } = newStack();
    // WHEN it is granted THEN the error names the agent and the fix
    expect(() => grantIn(stack, BedrockModel.inferenceProfile(`eu.${SONNET}`))).toThrow(
      /TestStack\/Agent: inference profile ".*" is not offered in us-east-1; eu\. profiles are called from eu-central-1/,
    );
  });

  test('the geography check gives way to destinationRegions', () => {
    const { stack } = newStack();
    expect(() =>
      grantIn(stack, BedrockModel.inferenceProfile(`eu.${SONNET}`, { destinationRegions: ['eu-west-1'] })),
    ).not.toThrow();
  });

  test('a token model id is accepted for a foundation model', () => {
    const { stack } = newStack();
    expect(() => grantIn(stack, BedrockModel.foundationModel(Aws.STACK_NAME))).not.toThrow();
  });
});
