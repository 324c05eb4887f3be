import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { rotationDays } from '../../../lib/checks/rules/secret-rotation';
import { agentApp, check, findingsFor, findingsAt } from '../fixtures';

const RULE = 'SecretRotation';
const TENANT = { StringEquals: { 'aws:ResourceTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}' } };

function readSecret(options: { cmk?: boolean; rotateDays?: number; read?: boolean } = {}) {
  const c = agentApp();
  const secret = new secretsmanager.Secret(c.stack, 'Key', {
    encryptionKey: options.cmk === false ? undefined : new kms.Key(c.stack, 'Cmk'),
  });
  if (options.rotateDays !== undefined) {
    secret.addRotationSchedule('Rotation', {
      hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser(),
      automaticallyAfter: Duration.days(options.rotateDays),
    });
  }
  if (options.read !== false) {
    // the ordinary CDK grant, routed into the agent's inline policy
    secret.grantRead(c.agent);
  }
  return { ...c, secret };
}

describe('AgentIdentity-SecretRotation', () => {
  test('a read secret rotated within the limit and encrypted with a CMK is compliant', () => {
    const { app } = readSecret({ rotateDays: 30 });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('a secret no agent reads is not judged', () => {
    const { app } = readSecret({ cmk: false, read: false });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('an unrotated secret without a CMK has two findings, reported on the secret', () => {
    // GIVEN
    const { app, secret } = readSecret({ cmk: false });
    // WHEN
    const report = check(app);
    // THEN
    expect(findingsFor(report, RULE)).toEqual(['KmsKeyId::missing', 'Rotation::missing']);
    expect(findingsAt(report, secret.node.path)).toEqual([
      'AgentIdentity-SecretRotation[KmsKeyId::missing]',
      'AgentIdentity-SecretRotation[Rotation::missing]',
    ]);
  });

  test('rotation beyond the limit is a finding naming the interval; the limit is configurable', () => {
    const { app } = readSecret({ rotateDays: 120 });
    expect(findingsFor(check(app), RULE)).toEqual(['Rotation::120days']);
    const again = readSecret({ rotateDays: 120 });
    expect(findingsFor(check(again.app, { maxSecretRotationDays: 180 }), RULE)).toEqual([]);
  });

  test('an AWS managed key is a finding', () => {
    const c = agentApp();
    const secret = new secretsmanager.Secret(c.stack, 'Key', {
      encryptionKey: kms.Alias.fromAliasName(c.stack, 'Managed', 'alias/aws/secretsmanager'),
    });
    secret.addRotationSchedule('Rotation', {
      hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser(),
    });
    c.agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secret.secretArn],
        conditions: TENANT,
      }),
    );
    expect(findingsFor(check(c.app), RULE)).toEqual(['KmsKeyId::aws-managed']);
  });

  test.each([
    [{ AutomaticallyAfterDays: 30 }, 30],
    [{ ScheduleExpression: 'rate(45 days)' }, 45],
    [{ ScheduleExpression: 'rate(12 hours)' }, 1],
    [{ ScheduleExpression: 'cron(0 4 1 * ? *)' }, 31],
    [{ ScheduleExpression: 'cron(0 4 1 1 ? *)' }, undefined],
    [{}, undefined],
  ])('rotation interval of %j is %p days', (rules, days) => {
    expect(rotationDays(rules)).toBe(days);
  });
});
