/**
 * Attacker-first: every CloudFormation form of an identity policy that reaches an agent role is
 * attributed to the agent — judged by the pack and listed in the entitlement report — whether the
 * role is named by reference, by literal name, or through another stack's export. A reference the
 * reader cannot follow is a finding naming the policy, never ignored.
 */
import { CfnCondition, CfnParameter, Fn, NestedStack, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Template } from 'aws-cdk-lib/assertions';
import { ENV, check, findingsAt, handWrittenRole } from '../checks/fixtures';
import { agentRecord, findingIdsOf, identityActions, reportOf, tenantApp } from './attribution-fixtures';

const S3_ALL = { Effect: 'Allow', Action: 's3:*', Resource: '*' };

describe('identity policies of every form reach the agent', () => {
  test('an AWS::IAM::RolePolicy naming the role by Ref is judged and reported', () => {
    // GIVEN
    const { app, stack, agent } = tenantApp();
    new iam.CfnRolePolicy(stack, 'Extra', {
      roleName: agent.role.roleName,
      policyName: 'extra',
      policyDocument: { Version: '2012-10-17', Statement: [S3_ALL] },
    });

    // THEN
    expect(findingIdsOf(app)).toContain('AgentIdentity-NoWildcardActions[Action::s3:*]');
    expect(identityActions(agentRecord(reportOf(app), 'acme-triage'))).toContain('s3:*');
  });

  test('an AWS::IAM::RolePolicy in another stack on the role imported by its exported ARN', () => {
    // GIVEN
    const { app, agent } = tenantApp();
    const other = new Stack(app, 'Other', { env: ENV });
    const imported = iam.Role.fromRoleArn(other, 'Imported', agent.roleArn);
    new iam.CfnRolePolicy(other, 'Extra', {
      roleName: imported.roleName,
      policyName: 'extra',
      policyDocument: { Version: '2012-10-17', Statement: [S3_ALL] },
    });

    // THEN the role name is a Fn::Select/Fn::Split over an Fn::ImportValue
    app.synth();
    const policy = Template.fromStack(other).findResources('AWS::IAM::RolePolicy');
    expect(JSON.stringify(policy)).toContain('Fn::ImportValue');
    expect(findingIdsOf(app)).toContain('AgentIdentity-NoWildcardActions[Action::s3:*]');
    expect(identityActions(agentRecord(reportOf(app), 'acme-triage'))).toContain('s3:*');
  });

  test('an AWS::IAM::Policy added to the imported role (addToPrincipalPolicy) in another stack', () => {
    // GIVEN
    const { app, agent } = tenantApp();
    const other = new Stack(app, 'Other', { env: ENV });
    iam.Role.fromRoleArn(other, 'Imported', agent.roleArn).addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['iam:CreateAccessKey'], resources: ['*'] }),
    );

    // THEN
    expect(findingIdsOf(app)).toContain('AgentIdentity-NoPrivilegeEscalation[Action::iam:CreateAccessKey]');
    expect(identityActions(agentRecord(reportOf(app), 'acme-triage'))).toContain('iam:CreateAccessKey');
  });

  test('an AWS::IAM::ManagedPolicy in another stack attached to the imported role', () => {
    // GIVEN
    const { app, agent } = tenantApp();
    const other = new Stack(app, 'Other', { env: ENV });
    new iam.ManagedPolicy(other, 'Wide', {
      roles: [iam.Role.fromRoleArn(other, 'Imported', agent.roleArn)],
      statements: [new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] })],
    });

    // THEN
    expect(findingIdsOf(app)).toContain('AgentIdentity-NoWildcardActions[Action::dynamodb:*]');
    expect(identityActions(agentRecord(reportOf(app), 'acme-triage'))).toContain('dynamodb:*');
  });

  test('a policy in a nested stack on the role passed in as a nested stack parameter (checks)', () => {
    // GIVEN
    const { app, stack, agent } = tenantApp();
    const nested = new NestedStack(stack, 'Tools');
    iam.Role.fromRoleArn(nested, 'Imported', agent.roleArn).addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kms:*'], resources: ['*'] }),
    );

    // THEN
    const ids = findingIdsOf(app);
    expect(ids).toContain('AgentIdentity-NoWildcardActions[Action::kms:*]');
    expect(ids.filter((id) => id.startsWith('AgentIdentity-AttributablePolicies'))).toEqual([]);
  });

  test('a policy in another stack naming a hand-written agent role by its literal name', () => {
    // GIVEN
    const { app } = tenantApp();
    const stack = Stack.of(app.node.findChild('Agents'));
    const role = handWrittenRole(stack, 'Literal', 'literal-agent');
    (role.node.defaultChild as iam.CfnRole).roleName = 'literal-agent';
    const other = new Stack(app, 'Other', { env: ENV });
    iam.Role.fromRoleName(other, 'ByName', 'literal-agent').addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:*'], resources: ['*'] }),
    );

    // THEN
    expect(findingIdsOf(app)).toContain('AgentIdentity-NoWildcardActions[Action::sqs:*]');
    expect(identityActions(agentRecord(reportOf(app), 'literal-agent'))).toContain('sqs:*');
  });

  test('an AWS managed policy attached to an agent role is a finding and in the report', () => {
    // GIVEN
    const { app, agent } = tenantApp();
    agent.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3FullAccess'));

    // THEN
    const ids = findingIdsOf(app);
    expect(
      ids.some(
        (id) => id.startsWith('AgentIdentity-VerifiablePolicies[') && id.includes('AmazonS3FullAccess'),
      ),
    ).toBe(true);
    const record = agentRecord(reportOf(app), 'acme-triage');
    expect(record.managedPolicies).toContainEqual({
      policy: expect.stringContaining('AmazonS3FullAccess'),
      readable: false,
    });
  });
});

describe('a reference the reader cannot follow is a finding naming the policy', () => {
  test('an AWS::IAM::Policy whose role comes from an import no stack of the app exports', () => {
    // GIVEN
    const { app } = tenantApp();
    const other = new Stack(app, 'Other', { env: ENV });
    new iam.CfnPolicy(other, 'Mystery', {
      policyName: 'mystery',
      roles: [Fn.importValue('SomeoneElsesRoleName')],
      policyDocument: { Version: '2012-10-17', Statement: [S3_ALL] },
    });

    // THEN
    const report = check(app);
    expect(
      findingsAt(report, 'Other/Mystery').some((id) => id.startsWith('AgentIdentity-AttributablePolicies')),
    ).toBe(true);
    expect(reportOf(app).unattributedPolicies).toContainEqual(
      expect.objectContaining({
        resource: 'Other/Mystery',
        property: 'Roles',
        value: '${ImportValue:SomeoneElsesRoleName}',
      }),
    );
  });

  test('an AWS::IAM::RolePolicy whose role name is a Fn::If', () => {
    // GIVEN
    const { app, agent } = tenantApp();
    const stack = Stack.of(agent);
    const condition = new CfnCondition(stack, 'IsProd', {
      expression: Fn.conditionEquals(stack.region, 'x'),
    });
    new iam.CfnRolePolicy(stack, 'Conditional', {
      roleName: Fn.conditionIf(condition.logicalId, agent.role.roleName, 'other-role').toString(),
      policyName: 'conditional',
      policyDocument: { Version: '2012-10-17', Statement: [S3_ALL] },
    });

    // THEN
    const report = check(app);
    expect(
      findingsAt(report, 'Agents/Conditional').some((id) =>
        id.startsWith('AgentIdentity-AttributablePolicies'),
      ),
    ).toBe(true);
  });

  test('a managed policy attached by a role name taken from a parameter', () => {
    // GIVEN
    const { app, stack } = tenantApp();
    const name = new CfnParameter(stack, 'TargetRole', { type: 'String' });
    new iam.CfnManagedPolicy(stack, 'ByParameter', {
      roles: [name.valueAsString],
      policyDocument: { Version: '2012-10-17', Statement: [S3_ALL] },
    });

    // THEN
    const report = check(app);
    expect(
      findingsAt(report, 'Agents/ByParameter').some((id) =>
        id.startsWith('AgentIdentity-AttributablePolicies'),
      ),
    ).toBe(true);
  });

  test('a policy naming a role that is not an agent by its literal name is not a finding', () => {
    // GIVEN
    const { app } = tenantApp();
    const other = new Stack(app, 'Other', { env: ENV });
    iam.Role.fromRoleName(other, 'Ops', 'ops-admin').addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }),
    );

    // THEN
    expect(findingsAt(check(app), 'Other/')).toEqual([]);
  });
});
