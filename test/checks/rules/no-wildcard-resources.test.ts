import * as iam from 'aws-cdk-lib/aws-iam';
import { agentApp, check, findingsFor, handWrittenRole, plainApp } from '../fixtures';

const RULE = 'NoWildcardResources';

describe('AgentIdentity-NoWildcardResources', () => {
  test('Resource * is compliant for actions without a resource type', () => {
    // GIVEN actions that only take '*'
    const { app, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListAllMyBuckets', 'bedrock:ListFoundationModels', 'sts:GetCallerIdentity'],
        resources: ['*'],
      }),
    );
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('Resource * for actions with a resource type is one finding per action', () => {
    const { app, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage', 's3:ListAllMyBuckets', 'logs:PutLogEvents'],
        resources: ['*'],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual(['Action::logs:PutLogEvents', 'Action::sqs:SendMessage']);
  });

  test('a pattern on * is a finding when any action it matches takes a resource type', () => {
    const { app, stack } = plainApp();
    handWrittenRole(stack, 'Role', 'hand').addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListAll*', 's3:List*'], resources: ['*'] }),
    );
    expect(findingsFor(check(app), RULE)).toEqual(['Action::s3:List*']);
  });

  test("a partial wildcard ARN is not this rule's concern", () => {
    const { app, stack, agent } = agentApp({ tenant: undefined });
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [stack.formatArn({ service: 'sqs', resource: 'jobs-*' })],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });
});
