import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ArnFormat, Tags } from 'aws-cdk-lib';
import { agentApp, check, findingsFor, handWrittenRole, plainApp } from '../fixtures';

const RULE = 'TenantAbac';
const OWN = '${aws:PrincipalTag/ai:tenant}';

describe('AgentIdentity-TenantAbac', () => {
  test('statements with a tenant condition are compliant', () => {
    // GIVEN a tenant agent with one statement per accepted condition form
    const { app, stack, agent } = agentApp();
    const bucket = new s3.Bucket(stack, 'Data');
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: { StringEquals: { 's3:ExistingObjectTag/ai:tenant': OWN } },
      }),
    );
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [OWN] } },
      }),
    );
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [stack.formatArn({ service: 'sqs', resource: 'acme-jobs' })],
        conditions: { StringEquals: { 'aws:ResourceTag/ai:tenant': 'acme' } },
      }),
    );
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('a data-store statement without a tenant condition is one finding per resource', () => {
    const { app, stack, agent } = agentApp();
    const bucket = new s3.Bucket(stack, 'Data');
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [bucket.arnForObjects('a/*'), bucket.arnForObjects('b/*')],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([
      'Resource::<Data666C94C7.Arn>/a/*',
      'Resource::<Data666C94C7.Arn>/b/*',
    ]);
  });

  test('a KMS statement limited to use through a store service passes; a bare KMS statement does not', () => {
    // GIVEN one KMS grant through S3 only, and one usable directly
    const { app, stack, agent } = agentApp();
    const viaS3 = stack.formatArn({ service: 'kms', resource: 'key', resourceName: 'via-s3' });
    const direct = stack.formatArn({ service: 'kms', resource: 'key', resourceName: 'direct' });
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [viaS3],
        conditions: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      }),
    );
    agent.addToAgentPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [direct] }));
    // WHEN / THEN only the direct key use is a finding
    expect(findingsFor(check(app), RULE)).toEqual([expect.stringContaining('key/direct')]);
  });

  test('conditions that do not narrow to the own tenant are findings', () => {
    // GIVEN a negated condition, an IfExists condition and another tenant's value
    const { app, stack, agent } = agentApp();
    const arn = (name: string) => stack.formatArn({ service: 'sqs', resource: name });
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [arn('a')],
        conditions: { StringNotEquals: { 'aws:ResourceTag/ai:tenant': OWN } },
      }),
    );
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage'],
        resources: [arn('b')],
        conditions: { StringEqualsIfExists: { 'aws:ResourceTag/ai:tenant': OWN } },
      }),
    );
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:DeleteMessage'],
        resources: [arn('c')],
        conditions: { StringEquals: { 'aws:ResourceTag/ai:tenant': 'globex' } },
      }),
    );
    // WHEN
    const findings = findingsFor(check(app), RULE);
    // THEN
    expect(findings).toEqual([
      'Resource::arn:<AWS::Partition>:sqs:us-east-1:111111111111:a',
      'Resource::arn:<AWS::Partition>:sqs:us-east-1:111111111111:b',
      'Resource::arn:<AWS::Partition>:sqs:us-east-1:111111111111:c',
    ]);
  });

  test('a platform agent (no ai:tenant) and non-data services are not judged', () => {
    const { app, stack, agent } = agentApp({ tenant: undefined });
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [stack.formatArn({ service: 'sqs', resource: 'q' })],
      }),
    );
    const tenantRole = handWrittenRole(stack, 'Role', 'hand');
    Tags.of(tenantRole).add('ai:tenant', 'acme');
    tenantRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [
          stack.formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: 'm',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    const report = check(app);
    // the hand-written role carries ai:tenant and its fixture grant (sqs:SendMessage) has no condition
    expect(findingsFor(report, RULE)).toEqual([
      'Resource::arn:<AWS::Partition>:sqs:us-east-1:111111111111:outbox',
    ]);
    expect(
      report.violations
        .find((v) => v.ruleName.includes(RULE))!
        .violatingResources.map((r) => r.constructPath),
    ).toEqual(['Agents/Role/Resource']);
  });

  test('a hand-written tenant role reaching DynamoDB with dynamodb:LeadingKeys of its tenant is compliant', () => {
    const { app, stack } = plainApp();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    Tags.of(role).add('ai:agent', 'hand');
    Tags.of(role).add('ai:tenant', 'acme');
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: 'orders' })],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['acme#*'] } },
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });
});
