import { CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ENV, agentApp, check, findingsFor, plainApp } from '../fixtures';

const RULE = 'AttributablePolicies';
const SEND = { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' };

describe('AgentIdentity-AttributablePolicies', () => {
  test('policies naming roles by reference, across stacks, by literal name or ARN are compliant', () => {
    // GIVEN
    const { app, stack, agent } = agentApp();
    const other = new Stack(app, 'Other', { env: ENV });
    iam.Role.fromRoleArn(other, 'Imported', agent.roleArn).addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }),
    );
    iam.Role.fromRoleName(other, 'Ops', 'ops-admin').addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }),
    );
    const bucket = new s3.Bucket(stack, 'Data');
    bucket.grantRead(new iam.ArnPrincipal(agent.roleArn));
    bucket.grantRead(new iam.ArnPrincipal('arn:aws:iam::222222222222:role/partner'));
    bucket.grantRead(new iam.AccountRootPrincipal());
    // THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('roles and principals the checks cannot follow are findings on the policy', () => {
    // GIVEN
    const { app, stack } = agentApp();
    const name = new CfnParameter(stack, 'RoleNameParam', { type: 'String' });
    new iam.CfnPolicy(stack, 'ByImport', {
      policyName: 'by-import',
      roles: [Fn.importValue('RoleOfAnotherApp')],
      policyDocument: { Statement: [SEND] },
    });
    new iam.CfnManagedPolicy(stack, 'ByParameter', {
      roles: [name.valueAsString],
      policyDocument: { Statement: [SEND] },
    });
    const bucket = new s3.Bucket(stack, 'Data');
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/agent-*' } },
      }),
    );
    // WHEN
    const findings = findingsFor(check(app), RULE);
    // THEN
    expect(findings).toEqual(['Principal::*', 'Roles::<Import:RoleOfAnotherApp>', 'Roles::<RoleNameParam>']);
  });

  test('a policy that only denies cannot widen access and is not a finding', () => {
    const { app, stack } = agentApp();
    new iam.CfnPolicy(stack, 'DenyOnly', {
      policyName: 'deny-only',
      roles: [Fn.importValue('RoleOfAnotherApp')],
      policyDocument: { Statement: [{ ...SEND, Effect: 'Deny' }] },
    });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('an app without agent roles is not judged', () => {
    const { app, stack } = plainApp();
    new iam.CfnPolicy(stack, 'ByImport', {
      policyName: 'by-import',
      roles: [Fn.importValue('RoleOfAnotherApp')],
      policyDocument: { Statement: [SEND] },
    });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });
});
