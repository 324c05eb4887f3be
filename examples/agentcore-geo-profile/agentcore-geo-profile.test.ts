import { App, CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AgentIdentityChecks } from '../../lib';
import { describeRulePackTests } from '../_shared/standard-tests';
import { ACCOUNT, agentRole, arn, simulateAs, templateOf } from '../_shared/simulation';
import { simulateTrust } from '../../test/helpers/simulate';
import { AGENT_NAME, AgentCoreGeoProfileStack, PROFILE_ID, REGION, buildApp } from './app';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const MODEL_ID = PROFILE_ID.replace(/^eu\./, '');
const INVOKE = 'bedrock:InvokeModel';
const STREAM = 'bedrock:InvokeModelWithResponseStream';
const GUARDRAIL_ID = 'gr0abc123def';
const GUARDRAIL_ARN = arn('bedrock', REGION, ACCOUNT, `guardrail/${GUARDRAIL_ID}`);
const PINNED = `${GUARDRAIL_ARN}:1`;
const profileArn = (id: string) => arn('bedrock', REGION, ACCOUNT, `inference-profile/${id}`);
const modelArn = (region: string) => arn('bedrock', region, '', `foundation-model/${MODEL_ID}`);
const withGuardrail = (identifier = PINNED) => ({ 'bedrock:GuardrailIdentifier': identifier });

// GIVEN the AgentCore app in eu-west-1, with the guardrail's attributes as CloudFormation would give them
const app = new App();
const [stack] = buildApp(app) as [AgentCoreGeoProfileStack];
const id = (c: CfnResource) => stack.resolve(c.logicalId) as string;
const template = templateOf(stack, {
  [id(stack.guardrail)]: { GuardrailArn: GUARDRAIL_ARN, GuardrailId: GUARDRAIL_ID },
  [id(stack.guardrailVersion)]: { Version: '1' },
});
const role = agentRole(template, AGENT_NAME);

describe('AgentCore agent: the model only through the EU profile, only with the pinned guardrail', () => {
  test.each([INVOKE, STREAM])(
    '%s through the EU profile with the pinned guardrail is allowed',
    async (action) => {
      // WHEN the agent invokes the profile with the pinned guardrail version
      const decision = await simulateAs(role, {
        action,
        resource: profileArn(PROFILE_ID),
        context: withGuardrail(),
      });
      // THEN IAM allows it
      expect(decision).toBe('Allowed');
    },
  );

  test.each(['eu-west-1', 'eu-central-1', 'eu-north-1'])(
    'Bedrock may route the profile call to the model in %s',
    async (region) => {
      // WHEN Bedrock routes the profile call to a destination region
      const decision = await simulateAs(role, {
        action: INVOKE,
        resource: modelArn(region),
        context: { 'bedrock:InferenceProfileArn': profileArn(PROFILE_ID) },
      });
      // THEN the foundation model is reachable through the profile
      expect(decision).toBe('Allowed');
    },
  );

  test.each(['eu-west-1', 'eu-central-1'])('the model in %s called directly is denied', async (region) => {
    // WHEN the agent names the foundation model itself, even with the guardrail
    const decision = await simulateAs(role, {
      action: INVOKE,
      resource: modelArn(region),
      context: withGuardrail(),
    });
    // THEN it is denied: the model is only reachable through the profile
    expect(decision).toBe('ImplicitlyDenied');
  });

  test('the model outside the EU is denied even through the profile (inference stays in the EU)', async () => {
    const decision = await simulateAs(role, {
      action: INVOKE,
      resource: modelArn('us-east-1'),
      context: { 'bedrock:InferenceProfileArn': profileArn(PROFILE_ID) },
    });
    expect(decision).toBe('ImplicitlyDenied');
  });

  test.each<[string, Record<string, string>]>([
    ['without a guardrail', {}],
    ['with another guardrail version', withGuardrail(`${GUARDRAIL_ARN}:2`)],
    ['with the unversioned (DRAFT) guardrail', withGuardrail(GUARDRAIL_ARN)],
    [
      'with another guardrail',
      withGuardrail(`${arn('bedrock', REGION, ACCOUNT, 'guardrail/other1234567')}:1`),
    ],
  ])('the profile %s is explicitly denied', async (_what, context) => {
    // WHEN the agent invokes the profile without the pinned guardrail version
    for (const action of [INVOKE, STREAM]) {
      const decision = await simulateAs(role, { action, resource: profileArn(PROFILE_ID), context });
      // THEN the pin's Deny refuses it
      expect(decision).toBe('ExplicitlyDenied');
    }
  });

  test("another geography's profile of the same model is denied", async () => {
    const decision = await simulateAs(role, {
      action: INVOKE,
      resource: arn('bedrock', REGION, ACCOUNT, `inference-profile/us.${MODEL_ID}`),
      context: withGuardrail(),
    });
    expect(decision).toBe('ImplicitlyDenied');
  });

  test.each<[string, string]>([
    ['bedrock:DeleteModelInvocationLoggingConfiguration', '*'],
    ['bedrock:PutModelInvocationLoggingConfiguration', '*'],
    ['bedrock:UpdateGuardrail', GUARDRAIL_ARN],
    ['bedrock:DeleteGuardrail', GUARDRAIL_ARN],
  ])('the agent cannot weaken its own controls: %s is explicitly denied', async (action, resource) => {
    expect(await simulateAs(role, { action, resource })).toBe('ExplicitlyDenied');
  });

  test('only AgentCore of this account may assume the role', async () => {
    // WHEN the AgentCore service assumes the role for a runtime of this account, or of another
    const runtime = (account: string) => ({
      'aws:SourceAccount': account,
      'aws:SourceArn': arn('bedrock-agentcore', REGION, account, 'runtime/support-abc123'),
    });
    const principal = 'bedrock-agentcore.amazonaws.com';
    // THEN only this account's runtime is trusted
    expect(await simulateTrust(role, { principal, context: runtime(ACCOUNT) })).toBe('Allowed');
    expect(await simulateTrust(role, { principal, context: runtime('222222222222') })).toBe(
      'ImplicitlyDenied',
    );
  });
});

describe('AgentCore geo profile app', () => {
  test('synthesizes in eu-west-1 with a published guardrail version and invocation logging', () => {
    // WHEN the stack is synthesized
    const t = Template.fromStack(stack);
    // THEN the guardrail is versioned, invocation logging is configured with text delivery,
    // and the trust names the AgentCore service
    expect(stack.region).toBe('eu-west-1');
    t.resourceCountIs('AWS::Bedrock::GuardrailVersion', 1);
    const [logging] = Object.values(t.findResources('Custom::BedrockModelInvocationLogging')) as Json[];
    const create = JSON.stringify(logging.Properties.Create);
    expect(create).toContain('putModelInvocationLoggingConfiguration');
    expect(create).toContain('\\"textDataDeliveryEnabled\\":true');
    expect(create).toContain(id(stack.logging.bucket!.node.defaultChild as CfnResource));
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'bedrock-agentcore.amazonaws.com' } }),
        ]),
      }),
      Tags: Match.arrayWith([{ Key: 'ai:agent', Value: AGENT_NAME }]),
    });
    expect(Object.keys(t.toJSON().Resources).length).toBeLessThan(40);
  });

  describeRulePackTests(app, stack);

  test('AgentIdentityChecks with requireGuardrail: true also passes (the Deny makes the guardrail mandatory)', () => {
    app.synth();
    const report = new AgentIdentityChecks(app, { requireGuardrail: true }).validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
