import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ENV, agentApp, check, findingsFor, handWrittenRole, plainApp } from '../fixtures';

const RULE = 'NoWildcardActions';
const queue = (stack: Stack) => stack.formatArn({ service: 'sqs', resource: 'jobs' });

describe('AgentIdentity-NoWildcardActions', () => {
  test('exact actions are compliant', () => {
    // GIVEN an agent with exact actions only
    const { app, stack, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue(stack)] }),
    );
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('wildcards in Deny statements are not findings (the permissions guardrails use them)', () => {
    const { app, stack, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['sqs:Delete*'],
        resources: [queue(stack)],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('each wildcard action of an AgentIdentity is one finding', () => {
    // GIVEN
    const { app, stack, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:Send*', 'sqs:Receive*', 'sqs:DeleteMessage'],
        resources: [queue(stack)],
      }),
    );
    // WHEN
    const findings = findingsFor(check(app), RULE);
    // THEN
    expect(findings).toEqual(['Action::sqs:Receive*', 'Action::sqs:Send*']);
  });

  test('NotAction and NotResource allows on a hand-written role are findings', () => {
    // GIVEN a plain iam.Role tagged ai:agent with an attached AWS::IAM::Policy
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Role', 'hand');
    role.addToPolicy(new iam.PolicyStatement({ notActions: ['iam:*'], resources: [queue(stack)] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], notResources: [queue(stack)] }));
    // WHEN
    const findings = findingsFor(check(app), RULE);
    // THEN
    expect(findings).toEqual([
      'NotAction::iam:*',
      'NotResource::arn:<AWS::Partition>:sqs:us-east-1:111111111111:jobs',
    ]);
  });

  test('a customer managed policy attached through ManagedPolicyArns is judged', () => {
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Role', 'hand');
    role.addManagedPolicy(
      new iam.ManagedPolicy(stack, 'Extra', {
        statements: [new iam.PolicyStatement({ actions: ['sqs:*'], resources: [queue(stack)] })],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual(['Action::sqs:*']);
  });

  test('a policy in another stack attached through an export is judged', () => {
    // GIVEN an agent role in one stack and a policy naming it in another stack
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Role', 'hand');
    const other = new Stack(app, 'Other', { env: ENV });
    new iam.Policy(other, 'CrossStack', {
      roles: [role],
      statements: [new iam.PolicyStatement({ actions: ['sqs:Get*'], resources: [queue(other)] })],
    });
    // WHEN
    const findings = findingsFor(check(app), RULE);
    // THEN
    expect(findings).toEqual(['Action::sqs:Get*']);
  });
});
