import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describeRulePackTests } from '../_shared/standard-tests';
import {
  ACCOUNT,
  REGION,
  actionIsKnown,
  actionsOf,
  agentRole,
  arn,
  logicalIdOf,
  simulateAs,
  templateOf,
} from '../_shared/simulation';
import { DASHBOARD_MODEL_ID, buildApp } from './app';

describe('example: model-api-for-dashboard', () => {
  // GIVEN the example app, with the profile's ARN as CloudFormation would return it
  const app = new App();
  const [stack] = buildApp(app);
  const profileId = logicalIdOf(stack, 'DashboardModelApi');
  const modelApi = arn('bedrock', REGION, ACCOUNT, 'application-inference-profile/dashboard0api');
  const template = templateOf(stack, { [profileId]: { InferenceProfileArn: modelApi } });
  const dashboard = agentRole(template, 'analytics-dashboard');
  const copilot = agentRole(template, 'marketing-copilot');
  const foundationModel = arn('bedrock', REGION, '', `foundation-model/${DASHBOARD_MODEL_ID}`);
  const viaModelApi = { 'bedrock:InferenceProfileArn': modelApi };

  test('synthesizes one small stack with the profile copied from the foundation model', () => {
    // WHEN the stack is synthesized
    const t = Template.fromStack(stack);
    // THEN
    expect(Object.keys(template.Resources).length).toBeLessThan(40);
    t.hasResourceProperties('AWS::Bedrock::ApplicationInferenceProfile', {
      InferenceProfileName: 'analytics-dashboard',
      ModelSource: {
        CopyFrom: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:${REGION}::foundation-model/${DASHBOARD_MODEL_ID}`],
          ],
        },
      },
    });
  });

  describeRulePackTests(app, stack);

  test.each([
    ['dashboard', 'invokes its model API', 'bedrock:InvokeModel', modelApi, {}, 'Allowed'],
    [
      'dashboard',
      'reaches the model through its API',
      'bedrock:InvokeModel',
      foundationModel,
      viaModelApi,
      'Allowed',
    ],
    [
      'dashboard',
      'invokes the foundation model directly',
      'bedrock:InvokeModel',
      foundationModel,
      {},
      'ImplicitlyDenied',
    ],
    [
      'dashboard',
      'streams from its model API (not granted)',
      'bedrock:InvokeModelWithResponseStream',
      modelApi,
      {},
      'ImplicitlyDenied',
    ],
    ['copilot', 'invokes the dashboard’s model API', 'bedrock:InvokeModel', modelApi, {}, 'ImplicitlyDenied'],
    [
      'copilot',
      'streams from the dashboard’s model API',
      'bedrock:InvokeModelWithResponseStream',
      modelApi,
      {},
      'ImplicitlyDenied',
    ],
    ['copilot', 'invokes its own foundation model', 'bedrock:InvokeModel', foundationModel, {}, 'Allowed'],
  ] as const)('the %s agent %s (%s)', async (who, _what, action, resource, context, expected) => {
    // WHEN the agent calls Bedrock
    const role = who === 'dashboard' ? dashboard : copilot;
    const decision = await simulateAs(role, { action, resource, context });
    // THEN only the dashboard reaches its model API, and only through it
    expect(decision).toBe(expected);
  });

  test('every action of both agents’ policies exists', () => {
    // WHEN the actions of both agents' own policies are listed
    const actions = [...actionsOf(dashboard), ...actionsOf(copilot)];
    // THEN each one exists in the IAM catalog
    expect(actions).toEqual(expect.arrayContaining(['bedrock:InvokeModel']));
    for (const action of actions)
      expect({ action, known: actionIsKnown(action) }).toEqual({ action, known: true });
  });
});
