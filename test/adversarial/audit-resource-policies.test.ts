/**
 * Attacker-first: an agent reaches a resource only through that resource's policy
 * (`bucket.grantRead(new iam.ArnPrincipal(agent.roleArn))`, a table's resource policy, a Lambda
 * permission, a queue or topic policy). The audit trail must record its data events there just as
 * it does for grants made through the library, or the agent's reads of the resource leave no record.
 * Where the trail cannot name the resource, synth fails naming the policy (fail closed).
 */
import { App, Fn, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AgentAuditTrail, AgentIdentity, AgentRuntime } from '../../lib';
import { TemplateResolver } from '../helpers/resolve';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ACCOUNT = '111111111111';

function recordedAgent(stack: Stack): { trail: AgentAuditTrail; agent: AgentIdentity } {
  const trail = new AgentAuditTrail(stack, 'Audit');
  const agent = new AgentIdentity(stack, 'Triage', {
    agentName: 'email-triage',
    runtime: AgentRuntime.lambda(),
    auditTrail: trail,
  });
  return { trail, agent };
}

/** The trail's data selectors, resolved, as `type -> { arns, sessions }`. */
function dataSelectors(stack: Stack): Record<string, { arns: string[]; sessions: string[] }> {
  const template = Template.fromStack(stack).toJSON();
  const trail = Object.values<Json>(template.Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail');
  const selectors: Json[] = new TemplateResolver(template).resolve(trail.Properties.AdvancedEventSelectors);
  const out: Record<string, { arns: string[]; sessions: string[] }> = {};
  for (const s of selectors.slice(1)) {
    const field = (name: string) => s.FieldSelectors.find((f: Json) => f.Field === name);
    out[field('resources.type').Equals[0]] = {
      arns: field('resources.ARN').StartsWith,
      sessions: field('userIdentity.arn').StartsWith,
    };
  }
  return out;
}

const sessionOf = (stack: Stack, agent: AgentIdentity) =>
  `arn:aws:sts::${ACCOUNT}:assumed-role/${new TemplateResolver(
    Template.fromStack(stack).toJSON(),
  ).physicalName(stack.getLogicalId(agent.role.node.defaultChild as never))}/`;

describe('the audit trail records data events on resources granted by resource policy', () => {
  test('a bucket granted to the agent only by its bucket policy is selected (AWS::S3::Object, whole bucket)', () => {
    // GIVEN a recorded agent and a bucket whose policy grants it read
    const { stack } = newStack();
    const { agent } = recordedAgent(stack);
    const bucket = new s3.Bucket(stack, 'GlobexData', { bucketName: 'globex-data' });
    bucket.grantRead(new iam.ArnPrincipal(agent.roleArn));

    // WHEN synthesized
    const selectors = dataSelectors(stack);

    // THEN the trail records the agent's data events on the bucket's objects
    expect(selectors['AWS::S3::Object']).toEqual({
      arns: ['arn:aws:s3:::globex-data/'],
      sessions: [sessionOf(stack, agent)],
    });
  });

  test('a table resource policy, a Lambda permission, a queue policy and a topic policy are selected', () => {
    // GIVEN resources whose own policies name the agent's role
    const { stack } = newStack();
    const { agent } = recordedAgent(stack);
    const principal = new iam.ArnPrincipal(agent.roleArn);
    const table = new dynamodb.Table(stack, 'Orders', {
      tableName: 'orders',
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    table.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [principal], actions: ['dynamodb:GetItem'], resources: ['*'] }),
    );
    const fn = new lambda.Function(stack, 'Tool', {
      functionName: 'crm-tool',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    fn.addPermission('AgentInvoke', { principal });
    const queue = new sqs.Queue(stack, 'Jobs', { queueName: 'jobs' });
    queue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [principal],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
      }),
    );
    const topic = new sns.Topic(stack, 'Alerts', { topicName: 'alerts' });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [principal],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
      }),
    );

    // WHEN
    const selectors = dataSelectors(stack);

    // THEN each is selected, by its ARN, for the agent's sessions
    const session = [sessionOf(stack, agent)];
    expect(selectors['AWS::DynamoDB::Table']).toEqual({
      arns: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`],
      sessions: session,
    });
    expect(selectors['AWS::Lambda::Function']).toEqual({
      arns: [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:crm-tool`],
      sessions: session,
    });
    expect(selectors['AWS::SQS::Queue']).toEqual({
      arns: [`arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`],
      sessions: session,
    });
    expect(selectors['AWS::SNS::Topic']).toEqual({
      arns: [`arn:aws:sns:us-east-1:${ACCOUNT}:alerts`],
      sessions: session,
    });
  });

  test('a hand-written bucket policy naming the role by literal ARN is selected', () => {
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    const agent = new AgentIdentity(stack, 'Named', {
      agentName: 'named-agent',
      runtime: AgentRuntime.lambda(),
      auditTrail: trail,
    });
    (agent.role.node.defaultChild as iam.CfnRole).roleName = 'named-agent-role';
    new s3.CfnBucketPolicy(stack, 'HandWritten', {
      bucket: 'legacy-exports',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/named-agent-role` },
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::legacy-exports/*',
          },
        ],
      },
    });
    expect(dataSelectors(stack)['AWS::S3::Object'].arns).toEqual(['arn:aws:s3:::legacy-exports/']);
  });

  test('across stacks: a bucket of another stack is recorded for the agent without a reference to that stack (no cycle)', () => {
    // GIVEN the trail and agent in one stack, a data stack whose bucket policy names the agent
    // (the data stack depends on the agent's stack: naming its bucket from the trail would be a cycle)
    const app = new App();
    const env = { account: ACCOUNT, region: 'us-east-1' };
    const agents = new Stack(app, 'Agents', { env });
    const { agent } = recordedAgent(agents);
    const data = new Stack(app, 'Data', { env });
    const bucket = new s3.Bucket(data, 'Shared');
    bucket.grantRead(new iam.ArnPrincipal(agent.roleArn));

    // WHEN
    const template = Template.fromStack(agents).toJSON();

    // THEN the trail records every S3 object data event of the agent's sessions (more, never less)
    const trail = Object.values<Json>(template.Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail');
    const selectors: Json[] = new TemplateResolver(template).resolve(trail.Properties.AdvancedEventSelectors);
    expect(selectors).toContainEqual({
      Name: 'Agent data events on AWS::S3::Object granted by resource policies of other stacks',
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
        { Field: 'userIdentity.arn', StartsWith: [sessionOf(agents, agent)] },
      ],
    });
    expect(JSON.stringify(template)).not.toContain('Fn::ImportValue');
  });

  test('fail closed: a bucket policy on a bucket the trail cannot name is a synth error naming the policy', () => {
    // GIVEN a bucket policy on an imported bucket name, granting the recorded agent
    const { app, stack } = newStack();
    const { agent } = recordedAgent(stack);
    new s3.CfnBucketPolicy(stack, 'OnImported', {
      bucket: Fn.importValue('other-team-bucket'),
      policyDocument: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            principals: [new iam.ArnPrincipal(agent.roleArn)],
            actions: ['s3:GetObject'],
            resources: ['*'],
          }),
        ],
      }),
    });
    // WHEN / THEN
    expect(() => app.synth()).toThrow(
      /resource policy of AWS::S3::BucketPolicy TestStack\/OnImported grants agent "email-triage" access to a resource the trail cannot name/,
    );
  });

  test('fail closed: an S3 access point policy naming the agent is an error until acknowledged', () => {
    const make = (acknowledge: boolean) => {
      const { app, stack } = newStack();
      const { agent } = recordedAgent(stack);
      const point = new s3.CfnAccessPoint(stack, 'Point', {
        bucket: 'globex-data',
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: agent.roleArn },
              Action: 's3:GetObject',
              Resource: '*',
            },
          ],
        },
      });
      if (acknowledge) {
        Validations.of(point).acknowledge({
          id: AgentAuditTrail.UNRECORDED_RESOURCE_POLICY,
          reason: 'the access point is read through the bucket, whose objects are recorded',
        });
      }
      return () => app.synth();
    };
    expect(make(false)).toThrow(
      /AWS::S3::AccessPoint TestStack\/Point grants agent "email-triage" access whose data events/,
    );
    expect(make(true)).not.toThrow();
  });

  test('KMS key policies add no data selector: KMS calls are management events, always recorded', () => {
    const { stack } = newStack();
    const { agent } = recordedAgent(stack);
    const key = new kms.Key(stack, 'Key');
    key.grantDecrypt(new iam.ArnPrincipal(agent.roleArn));
    expect(Object.keys(dataSelectors(stack))).toEqual([]);
  });
});
