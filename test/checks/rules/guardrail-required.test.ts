import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { agentApp, check, findingsFor } from '../fixtures';

const RULE = 'GuardrailRequired';
const FLAT_MODEL = 'arn:<AWS::Partition>:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0';
const model = (stack: Stack) =>
  stack.formatArn({
    service: 'bedrock',
    account: '',
    resource: 'foundation-model',
    resourceName: 'amazon.nova-lite-v1:0',
  });

function invokingAgent(pin?: string[]) {
  const c = agentApp();
  c.agent.addToAgentPolicy(
    new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resources: [model(c.stack)],
    }),
  );
  if (pin) {
    c.agent.addToAgentPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: pin,
        resources: ['*'],
        conditions: {
          StringNotEquals: {
            'bedrock:GuardrailIdentifier': c.stack.formatArn({
              service: 'bedrock',
              resource: 'guardrail',
              resourceName: 'g1:3',
            }),
          },
        },
      }),
    );
  }
  return c;
}

describe('AgentIdentity-GuardrailRequired', () => {
  test('off by default', () => {
    const { app } = invokingAgent();
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('with requireGuardrail, an agent pinned by a Deny on both invoke actions is compliant', () => {
    const { app } = invokingAgent(['bedrock:InvokeModel*']);
    expect(findingsFor(check(app, { requireGuardrail: true }), RULE)).toEqual([]);
  });

  test('with requireGuardrail, a model not pinned for one of its invoke actions is a finding', () => {
    // GIVEN only InvokeModel is pinned
    const { app } = invokingAgent(['bedrock:InvokeModel']);
    // WHEN
    const findings = findingsFor(check(app, { requireGuardrail: true }), RULE);
    // THEN
    expect(findings).toEqual([`Model::${FLAT_MODEL}`]);
  });

  test('with requireGuardrail, an unpinned agent has both findings, reported on its role', () => {
    const { app, stack } = invokingAgent();
    const report = check(app, { requireGuardrail: true });
    expect(findingsFor(report, RULE)).toEqual([`Model::${FLAT_MODEL}`]);
    expect(
      report.violations.every((v) =>
        v.violatingResources.every((r) => (r.constructPath ?? '').startsWith(`${stack.node.path}/Agent/`)),
      ),
    ).toBe(true);
  });
});
