import * as iam from 'aws-cdk-lib/aws-iam';
import { agentApp, check, findingsFor, handWrittenRole, plainApp } from '../fixtures';

const RULE = 'ActionsExist';

describe('AgentIdentity-ActionsExist', () => {
  test('real actions and patterns that match something are compliant (permissions guardrails included)', () => {
    // GIVEN an AgentIdentity (its permissions guardrails deny dozens of actions and patterns)
    const { app, stack, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock:InvokeModel', 'sqs:Send*'],
        resources: [stack.formatArn({ service: 'sqs', resource: 'q' })],
      }),
    );
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('a misspelled action is a finding', () => {
    const { app, stack, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock:InvokeModels'],
        resources: [
          stack.formatArn({
            service: 'bedrock',
            account: '',
            resource: 'foundation-model',
            resourceName: 'amazon.nova-lite-v1:0',
          }),
        ],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual(['Action::bedrock:InvokeModels']);
  });

  test('a Deny with a typo, a pattern matching nothing and an unknown service are findings', () => {
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Role', 'hand');
    role.addToPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['s3:DeleteObjekt', 'sqs:Frobnicate*', 'nosuchservice:Get'],
        resources: ['*'],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([
      'Action::nosuchservice:Get',
      'Action::s3:DeleteObjekt',
      'Action::sqs:Frobnicate*',
    ]);
  });
});
