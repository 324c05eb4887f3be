import { Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { agentRoleId, rolePolicies, simulate, simulateTrust } from '../helpers/simulate';
import { agentApp, check, findingsFor, plainApp } from './fixtures';

/**
 * What the pack reports must be what IAM would really allow, and what it passes must really be
 * denied: each case builds a compliant and a flagged variant, asks the pack, then asks the IAM
 * simulator the question the rule stands for.
 */
const ACCOUNT = '111111111111';
const OTHER = '999999999999';

function policiesOf(stack: Stack, agentName: string) {
  const template = Template.fromStack(stack).toJSON();
  return rolePolicies(template, agentRoleId(template, agentName));
}

describe('NarrowTrust matches what IAM allows', () => {
  test('a flagged Lambda trust lets a function of another account assume the role; the compliant one does not', async () => {
    // GIVEN an AgentIdentity (aws:SourceAccount) and a hand-written role without conditions
    const { app, stack } = agentApp();
    const loose = new iam.Role(stack, 'Loose', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    Tags.of(loose).add('ai:agent', 'loose');
    // WHEN the pack runs
    const report = check(app);
    // THEN only the loose role is flagged
    expect(findingsFor(report, 'NarrowTrust')).toEqual(['Service::lambda.amazonaws.com']);
    const context = { 'aws:SourceAccount': OTHER, 'aws:PrincipalServiceName': 'lambda.amazonaws.com' };
    // AND IAM lets Lambda acting for another account assume the loose role only
    expect(
      await simulateTrust(policiesOf(stack, 'loose'), { principal: 'lambda.amazonaws.com', context }),
    ).toBe('Allowed');
    expect(
      await simulateTrust(policiesOf(stack, 'worker'), { principal: 'lambda.amazonaws.com', context }),
    ).not.toBe('Allowed');
  });
});

describe('TenantAbac matches what IAM allows', () => {
  test("a compliant statement denies another tenant's queue; a flagged one allows it", async () => {
    // GIVEN two tenant agents of tenant acme reaching the same queue, with and without the condition
    const { app, stack } = plainApp();
    const queue = stack.formatArn({ service: 'sqs', resource: 'jobs' });
    const make = (name: string, conditions?: Record<string, unknown>) => {
      const role = new iam.Role(stack, name, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        }),
      });
      Tags.of(role).add('ai:agent', name.toLowerCase());
      Tags.of(role).add('ai:tenant', 'acme');
      role.addToPolicy(
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue], conditions }),
      );
    };
    make('Scoped', { StringEquals: { 'aws:ResourceTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}' } });
    make('Open');
    // WHEN
    const report = check(app);
    // THEN the pack flags only the open role
    const violation = report.violations.find((v) => v.ruleName.startsWith('AgentIdentity-TenantAbac'))!;
    expect(violation.violatingResources.map((r) => r.constructPath)).toEqual(['Agents/Open/Resource']);
    // AND IAM agrees: the queue of tenant globex is reachable only by the open role
    const request = {
      action: 'sqs:SendMessage',
      resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`,
      context: { 'aws:ResourceTag/ai:tenant': 'globex' },
    };
    expect(await simulate(policiesOf(stack, 'open'), request)).toBe('Allowed');
    expect(await simulate(policiesOf(stack, 'scoped'), request)).toBe('ImplicitlyDenied');
  });
});

describe('GuardrailRequired matches what IAM allows', () => {
  test('a pinned agent cannot invoke without the guardrail; an unpinned one can', async () => {
    // GIVEN two agents allowed the same model, one with the pinning Deny
    const model = (s: Stack) =>
      s.formatArn({
        service: 'bedrock',
        account: '',
        resource: 'foundation-model',
        resourceName: 'amazon.nova-lite-v1:0',
      });
    const pinned = agentApp({ agentName: 'pinned' });
    const guardrail = pinned.stack.formatArn({
      service: 'bedrock',
      resource: 'guardrail',
      resourceName: 'g1:3',
    });
    pinned.agent.addToAgentPolicy(
      new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [model(pinned.stack)] }),
    );
    pinned.agent.addToAgentPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['bedrock:InvokeModel'],
        resources: ['*'],
        conditions: { StringNotEquals: { 'bedrock:GuardrailIdentifier': guardrail } },
      }),
    );
    const unpinned = agentApp({ agentName: 'unpinned' });
    unpinned.agent.addToAgentPolicy(
      new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [model(unpinned.stack)] }),
    );
    // WHEN
    const flaggedPinned = findingsFor(check(pinned.app, { requireGuardrail: true }), 'GuardrailRequired');
    const flaggedUnpinned = findingsFor(check(unpinned.app, { requireGuardrail: true }), 'GuardrailRequired');
    // THEN
    expect(flaggedPinned).toEqual([]);
    expect(flaggedUnpinned).toEqual([
      'Model::arn:<AWS::Partition>:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
    ]);
    const request = {
      action: 'bedrock:InvokeModel',
      resource: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
    };
    expect(await simulate(policiesOf(pinned.stack, 'pinned'), request)).toBe('ExplicitlyDenied');
    expect(await simulate(policiesOf(unpinned.stack, 'unpinned'), request)).toBe('Allowed');
    expect(
      await simulate(policiesOf(pinned.stack, 'pinned'), {
        ...request,
        context: { 'bedrock:GuardrailIdentifier': `arn:aws:bedrock:us-east-1:${ACCOUNT}:guardrail/g1:3` },
      }),
    ).toBe('Allowed');
  });
});
