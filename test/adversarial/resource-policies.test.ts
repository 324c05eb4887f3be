/**
 * Attacker-first: a resource policy whose principal is an agent role (or one of its sessions)
 * grants the agent access as surely as its identity policy does. Each is judged by the same rules
 * (findings name the resource that holds the policy), listed in the entitlement report under the
 * agent with its source resource, and a new one widens the report's diff.
 */
import { Fn, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DataClassification, DataTags } from '../../lib';
import { diffEntitlementReports, renderEntitlementMarkdown } from '../../lib/report/report-format';
import { ENV, check, findingsAt } from '../checks/fixtures';
import { agentRecord, findingIdsOf, reportOf, tenantApp } from './attribution-fixtures';

const GLOBEX = { tenant: 'globex', classification: DataClassification.INTERNAL };

/** Resource-policy grants of the report for the agent, as `source: actions`. */
function grantsOf(app: Parameters<typeof reportOf>[0]): string[] {
  const record = agentRecord(reportOf(app), 'acme-triage');
  return (record.resourcePolicyGrants ?? []).map((g) => `${g.sourceResource}: ${g.actions.join(',')}`);
}

describe('bucket policies', () => {
  test("grantRead(new ArnPrincipal(agent.roleArn)) on another tenant's bucket is a finding and reported", () => {
    // GIVEN
    const { app, agent, globexBucket } = tenantApp();
    globexBucket.grantRead(new iam.ArnPrincipal(agent.roleArn));

    // THEN the grant landed in the bucket policy, not the agent's identity policy
    const ids = findingIdsOf(app);
    expect(
      ids.some((id) => id.startsWith('AgentIdentity-TenantAbac[ResourcePolicy::Agents/GlobexData')),
    ).toBe(true);
    expect(
      grantsOf(app).some((g) => g.startsWith('Agents/GlobexDataPolicy') && g.includes('s3:GetObject*')),
    ).toBe(true);
  });

  test('a bucket policy naming one session of the agent role is a finding and reported', () => {
    // GIVEN
    const { app, stack, agent, globexBucket } = tenantApp();
    const session = Fn.join('', [
      'arn:',
      stack.partition,
      ':sts::',
      stack.account,
      ':assumed-role/',
      agent.role.roleName,
      '/run-42',
    ]);
    globexBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ArnPrincipal(session)],
        actions: ['s3:GetObject'],
        resources: [globexBucket.arnForObjects('*')],
      }),
    );

    // THEN
    expect(findingIdsOf(app).some((id) => id.startsWith('AgentIdentity-TenantAbac[ResourcePolicy::'))).toBe(
      true,
    );
    expect(grantsOf(app).some((g) => g.includes('s3:GetObject'))).toBe(true);
  });

  test('a bucket policy granting principal * narrowed to the agent by a condition is a finding', () => {
    // GIVEN
    const { app, globexBucket } = tenantApp();
    globexBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [globexBucket.arnForObjects('*')],
        conditions: { StringEquals: { 'aws:PrincipalTag/ai:agent': 'acme-triage' } },
      }),
    );

    // THEN
    expect(
      findingsAt(check(app), 'Agents/GlobexData/Policy').some((id) =>
        id.startsWith('AgentIdentity-AttributablePolicies'),
      ),
    ).toBe(true);
  });
});

describe('other resource policies naming the agent role', () => {
  test('a KMS key policy of another tenant', () => {
    const { app, stack, agent } = tenantApp();
    const key = new kms.Key(stack, 'GlobexKey');
    DataTags.of(key).apply(GLOBEX);
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ArnPrincipal(agent.roleArn)],
        actions: ['kms:Decrypt'],
        resources: ['*'],
      }),
    );
    expect(
      findingIdsOf(app).some((id) =>
        id.startsWith('AgentIdentity-TenantAbac[ResourcePolicy::Agents/GlobexKey'),
      ),
    ).toBe(true);
    expect(grantsOf(app)).toContain('Agents/GlobexKey193C58BD: kms:Decrypt');
  });

  test('an SQS queue policy', () => {
    const { app, stack, agent } = tenantApp();
    const queue = new sqs.Queue(stack, 'GlobexQueue');
    queue.grantConsumeMessages(new iam.ArnPrincipal(agent.roleArn));
    expect(
      findingIdsOf(app).some((id) =>
        id.startsWith('AgentIdentity-TenantAbac[ResourcePolicy::Agents/GlobexQueue'),
      ),
    ).toBe(true);
    expect(
      grantsOf(app).some((g) => g.startsWith('Agents/GlobexQueue') && g.includes('sqs:ReceiveMessage')),
    ).toBe(true);
  });

  test('an SNS topic policy', () => {
    const { app, stack, agent } = tenantApp();
    const topic = new sns.Topic(stack, 'GlobexTopic');
    topic.grantPublish(new iam.ArnPrincipal(agent.roleArn));
    expect(
      findingIdsOf(app).some((id) =>
        id.startsWith('AgentIdentity-TenantAbac[ResourcePolicy::Agents/GlobexTopic'),
      ),
    ).toBe(true);
    expect(grantsOf(app).some((g) => g.startsWith('Agents/GlobexTopic') && g.includes('sns:Publish'))).toBe(
      true,
    );
  });

  test('a Secrets Manager resource policy', () => {
    const { app, stack, agent } = tenantApp();
    const secret = new secretsmanager.Secret(stack, 'GlobexSecret');
    secret.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ArnPrincipal(agent.roleArn)],
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['*'],
      }),
    );
    expect(
      findingIdsOf(app).some((id) =>
        id.startsWith('AgentIdentity-TenantAbac[ResourcePolicy::Agents/GlobexSecret'),
      ),
    ).toBe(true);
    expect(grantsOf(app).some((g) => g.includes('secretsmanager:GetSecretValue'))).toBe(true);
  });

  test('a DynamoDB table resource policy', () => {
    const { app, stack, agent } = tenantApp();
    new dynamodb.Table(stack, 'GlobexTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      resourcePolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            principals: [new iam.ArnPrincipal(agent.roleArn)],
            actions: ['dynamodb:Scan'],
            resources: ['*'],
          }),
        ],
      }),
    });
    expect(
      findingIdsOf(app).some((id) =>
        id.startsWith('AgentIdentity-TenantAbac[ResourcePolicy::Agents/GlobexTable'),
      ),
    ).toBe(true);
    expect(grantsOf(app)).toContain('Agents/GlobexTable76F810CE: dynamodb:Scan');
  });

  test('a Lambda permission', () => {
    const { app, stack, agent } = tenantApp();
    const fn = new lambda.Function(stack, 'Tool', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    fn.addPermission('AgentInvoke', { principal: new iam.ArnPrincipal(agent.roleArn), action: 'lambda:*' });
    expect(findingIdsOf(app)).toContain(
      'AgentIdentity-NoWildcardActions[ResourcePolicy::Agents/ToolAgentInvokeA08FBC11::Action::lambda:*]',
    );
    expect(grantsOf(app)).toContain('Agents/ToolAgentInvokeA08FBC11: lambda:*');
  });

  test('any other resource type whose properties hold a policy naming the agent (ECR repository)', () => {
    const { app, stack, agent } = tenantApp();
    const repo = new ecr.Repository(stack, 'Images');
    repo.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [new iam.ArnPrincipal(agent.roleArn)], actions: ['ecr:*'] }),
    );
    expect(findingIdsOf(app)).toContain(
      'AgentIdentity-NoWildcardActions[ResourcePolicy::Agents/Images2D38C313::Action::ecr:*]',
    );
    expect(grantsOf(app)).toContain('Agents/Images2D38C313: ecr:*');
  });

  test("another role's trust policy naming the agent lets it assume that role: reported", () => {
    const { app, stack, agent } = tenantApp();
    new iam.Role(stack, 'Admin', {
      assumedBy: new iam.ArnPrincipal(agent.roleArn),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });
    const grants = agentRecord(reportOf(app), 'acme-triage').resourcePolicyGrants ?? [];
    expect(grants.map((g) => [g.sourceType, g.actions.join(',')])).toContainEqual([
      'AWS::IAM::Role',
      'sts:AssumeRole',
    ]);
  });

  test('a resource policy in another stack naming the agent through its exported ARN', () => {
    const { app, agent } = tenantApp();
    const other = new Stack(app, 'Other', { env: ENV });
    const bucket = new s3.Bucket(other, 'Shared');
    DataTags.of(bucket).apply(GLOBEX);
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ArnPrincipal(agent.roleArn)],
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    expect(
      findingIdsOf(app).some((id) => id.startsWith('AgentIdentity-TenantAbac[ResourcePolicy::Other/Shared')),
    ).toBe(true);
    expect(grantsOf(app).some((g) => g.startsWith('Other/Shared'))).toBe(true);
  });
});

describe('the report', () => {
  test('a new resource-policy grant widens the diff and is rendered in the Markdown', () => {
    // GIVEN a baseline without, and the same app with a bucket-policy grant
    const before = reportOf(tenantApp().app);
    const { app, agent, globexBucket } = tenantApp();
    globexBucket.grantRead(new iam.ArnPrincipal(agent.roleArn));
    const after = reportOf(app);

    // THEN
    const diff = diffEntitlementReports(before, after);
    expect(diff.widened).toBe(true);
    expect(diff.changes.some((c) => c.widened && c.description.includes('GlobexData'))).toBe(true);
    expect(renderEntitlementMarkdown(after)).toContain('Granted by resource policies');
    expect(renderEntitlementMarkdown(after)).toContain('Agents/GlobexDataPolicy');
  });

  test('an agent without resource-policy grants has no resourcePolicyGrants field (existing reports unchanged)', () => {
    const record = agentRecord(reportOf(tenantApp().app), 'acme-triage');
    expect(record).not.toHaveProperty('resourcePolicyGrants');
  });
});
