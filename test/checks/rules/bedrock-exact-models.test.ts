import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity, AgentRuntime } from '../../../lib';
import { agentApp, check, findingsFor } from '../fixtures';

const RULE = 'BedrockExactModels';
const model = (stack: Stack, name: string, region?: string) =>
  stack.formatArn({
    service: 'bedrock',
    region,
    account: '',
    resource: 'foundation-model',
    resourceName: name,
  });

describe('AgentIdentity-BedrockExactModels', () => {
  test('exact models in the stack region and cross-region models under the profile condition are compliant', () => {
    // GIVEN a direct grant and a geographic inference profile grant
    const { app, stack, agent } = agentApp();
    const profile = stack.formatArn({
      service: 'bedrock',
      resource: 'inference-profile',
      resourceName: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
    });
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock:InvokeModel'],
        resources: [model(stack, 'amazon.nova-lite-v1:0'), profile],
      }),
    );
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock:InvokeModel'],
        resources: [
          model(stack, 'anthropic.claude-sonnet-4-20250514-v1:0', 'us-west-2'),
          model(stack, 'anthropic.claude-sonnet-4-20250514-v1:0', '*'),
        ],
        conditions: { StringEquals: { 'bedrock:InferenceProfileArn': profile } },
      }),
    );
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('wildcard model ARNs are findings', () => {
    const { app, stack, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock:InvokeModelWithResponseStream'],
        resources: [model(stack, 'anthropic.*'), model(stack, '*')],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([
      'Resource::arn:<AWS::Partition>:bedrock:us-east-1::foundation-model/*',
      'Resource::arn:<AWS::Partition>:bedrock:us-east-1::foundation-model/anthropic.*',
    ]);
  });

  test('a foundation model of another region (or region *) without the profile condition is a finding', () => {
    // GIVEN
    const { app, stack, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock:InvokeModel'],
        resources: [
          model(stack, 'amazon.nova-pro-v1:0', 'eu-west-1'),
          model(stack, 'amazon.nova-pro-v1:0', '*'),
        ],
      }),
    );
    // WHEN
    const findings = findingsFor(check(app), RULE);
    // THEN
    expect(findings).toEqual([
      'CrossRegion::arn:<AWS::Partition>:bedrock:*::foundation-model/amazon.nova-pro-v1:0',
      'CrossRegion::arn:<AWS::Partition>:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0',
    ]);
  });

  test('in an environment-agnostic stack the region placeholder is the stack region', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    const agent = new AgentIdentity(stack, 'A', { agentName: 'a', runtime: AgentRuntime.lambdaFunction() });
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock:InvokeModel'],
        resources: [model(stack, 'amazon.nova-lite-v1:0')],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });
});
