import { ArnFormat } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { agentApp, check, findingsFor, handWrittenRole, plainApp } from '../fixtures';

const RULE = 'NoPrivilegeEscalation';

describe('AgentIdentity-NoPrivilegeEscalation', () => {
  test('iam:PassRole with iam:PassedToService and reads of IAM are compliant', () => {
    // GIVEN
    const { app, stack, agent } = agentApp();
    const role = stack.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: 'tool-runner',
    });
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [role],
        conditions: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      }),
    );
    agent.addToAgentPolicy(new iam.PolicyStatement({ actions: ['iam:GetRole'], resources: [role] }));
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('PassRole without the condition, IAM writes, AssumeRole on a wildcard and code injection are findings', () => {
    // GIVEN a hand-written agent role with each escalation path
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Role', 'hand');
    const roles = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'tool-*' });
    const fn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: 'other',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole', 'iam:AttachRolePolicy', 'iam:TagRole', 'sts:AssumeRole'],
        resources: [roles],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:UpdateFunctionCode', 'lambda:GetFunction'],
        resources: [fn],
      }),
    );
    // WHEN
    const findings = findingsFor(check(app), RULE);
    // THEN
    expect(findings).toEqual([
      'Action::iam:AttachRolePolicy',
      'Action::iam:PassRole',
      'Action::iam:TagRole',
      'Action::lambda:UpdateFunctionCode',
      'Action::sts:AssumeRole',
    ]);
  });

  test('a pattern reaching an escalation action is reported as written', () => {
    const { app, stack, agent } = agentApp();
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['iam:*', 'iam:Get*'],
        resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'x' })],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual(['Action::iam:*']);
  });
});
