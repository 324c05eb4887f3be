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

  test('a wildcard in the resource name (`queue-*`) is reported; one after the name is not', () => {
    const { app, stack, agent } = agentApp({ tenant: undefined });
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [stack.formatArn({ service: 'sqs', resource: 'jobs-*' })],
      }),
    );
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [
          stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: 'orders/index/*' }),
        ],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([
      'Resource::arn:<AWS::Partition>:sqs:us-east-1:111111111111:jobs-*',
    ]);
  });

  test.each([
    ['arn:aws:s3:::*/*'],
    ['arn:aws:s3:::*'],
    ['arn:aws:s3:::acme-*/*'],
    ['arn:aws:secretsmanager:us-east-1:111111111111:secret:*'],
    ['arn:aws:secretsmanager:us-east-1:111111111111:secret:api-key-*'],
    ['arn:aws:dynamodb:us-east-1:????????????:table/orders'],
    ['arn:aws:dynamodb:*:111111111111:table/orders'],
    ['arn:aws:dynamodb:us-east-1:111111111111:table/*'],
    ['arn:aws:sqs:us-east-1:111111111111:job?'],
  ])('a wildcard standing for which resource is reported: %s', (arn) => {
    const { app, agent } = agentApp({ tenant: undefined });
    agent.addToAgentPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [arn] }));
    expect(findingsFor(check(app), RULE)).toEqual([`Resource::${arn}`]);
  });

  test.each([
    ['arn:aws:s3:::inbox/support/*'],
    ['arn:aws:secretsmanager:us-east-1:111111111111:secret:api-key-??????'],
    ['arn:aws:dynamodb:us-east-1:111111111111:table/orders/index/*'],
  ])('a wildcard after the resource name is fine: %s', (arn) => {
    const { app, agent } = agentApp({ tenant: undefined });
    agent.addToAgentPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [arn] }));
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });
});
