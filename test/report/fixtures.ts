import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AgentIdentity, AgentRuntime, DataClassification } from '../../lib/identity';
import { AgentEntitlementReport } from '../../lib/report';
import { EntitlementReportJson } from '../../lib/report/entitlement-report-schema';

export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';
export const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
export const SONNET = 'anthropic.claude-3-7-sonnet-20250219-v1:0';
export const GUARDRAIL_ID = 'gr-support';
export const KNOWLEDGE_BASE_ID = 'KB12345678';

/** Options that vary the reference app, to produce a baseline and a changed report. */
export interface FixtureOptions {
  /** Grant the triage agent write access to the inbox bucket too. */
  readonly inboxWrite?: boolean;
  /** Grant a second foundation model. */
  readonly secondModel?: boolean;
}

export interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly agent: AgentIdentity;
  readonly outdir: string;
}

/** A temp directory for one synth. */
export function tempDir(prefix = 'agent-report-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A small app: an AgentIdentity with grants made through aws-cdk-lib `grant*` methods, statements
 * added by hand (`addToAgentPolicy` and `role.addToPrincipalPolicy`), a rotated secret, a trail
 * that selects the agent, a hand-written role tagged `ai:agent`, and acknowledgements.
 */
export function referenceApp(options: FixtureOptions = {}): Fixture {
  const outdir = tempDir();
  const app = new App({ outdir });
  const stack = new Stack(app, 'AgentsStack', { env: { account: ACCOUNT, region: REGION } });

  const inbox = new s3.Bucket(stack, 'Inbox');
  const orders = new dynamodb.Table(stack, 'Orders', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  });
  const queue = new sqs.Queue(stack, 'Outbox');
  const apiKey = new secretsmanager.Secret(stack, 'ApiKey');
  const rotator = new lambda.Function(stack, 'Rotator', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  apiKey.addRotationSchedule('Rotation', { rotationLambda: rotator, automaticallyAfter: Duration.days(30) });
  const unrotated = new secretsmanager.Secret(stack, 'Webhook');

  const agent = new AgentIdentity(stack, 'Triage', {
    agentName: 'email-triage',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    clearance: DataClassification.CONFIDENTIAL,
    owner: 'support-platform@example.com',
  });

  // Grants through aws-cdk-lib grant methods land in the agent's inline policy.
  inbox.grantRead(agent);
  if (options.inboxWrite) inbox.grantPut(agent);
  orders.grantReadData(agent);
  apiKey.grantRead(agent);
  unrotated.grantRead(agent);

  // Hand-added statements through the agent ...
  const models = [HAIKU, ...(options.secondModel ? [SONNET] : [])].map((id) =>
    stack.formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: id }),
  );
  const guardrailArn = stack.formatArn({
    service: 'bedrock',
    resource: 'guardrail',
    resourceName: GUARDRAIL_ID,
  });
  agent.addToAgentPolicy(
    new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resources: models,
      conditions: { StringEquals: { 'bedrock:GuardrailIdentifier': `${guardrailArn}:3` } },
    }),
  );
  agent.addToAgentPolicy(
    new iam.PolicyStatement({
      sid: 'DenyWithoutGuardrail',
      effect: iam.Effect.DENY,
      actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'bedrock:GuardrailIdentifier': `${guardrailArn}:3` } },
    }),
  );
  agent.addToAgentPolicy(
    new iam.PolicyStatement({
      actions: ['bedrock:Retrieve'],
      resources: [
        stack.formatArn({ service: 'bedrock', resource: 'knowledge-base', resourceName: KNOWLEDGE_BASE_ID }),
      ],
    }),
  );
  // ... and straight on the role (an AWS::IAM::Policy next to the role).
  agent.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
  );
  agent.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'EmailTriage' } },
    }),
  );

  new cloudtrail.CfnTrail(stack, 'AgentTrail', {
    isLogging: true,
    s3BucketName: 'agent-trail-logs',
    advancedEventSelectors: [
      {
        name: 'email-triage data events',
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
          {
            field: 'userIdentity.arn',
            startsWith: [`arn:aws:sts::${ACCOUNT}:assumed-role/${agent.roleName}/`],
          },
        ],
      },
    ],
  });

  // A hand-written agent role: no boundary, no permissions guardrails, trusted by another account.
  const legacy = new iam.Role(stack, 'LegacyBot', { assumedBy: new iam.AccountPrincipal('222222222222') });
  Tags.of(legacy).add('ai:agent', 'legacy-bot');
  legacy.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['s3:*'], resources: [inbox.arnForObjects('*')] }),
  );

  Validations.of(agent).acknowledge({
    id: 'AgentIdentityChecks-MetricsWildcard',
    reason: 'PutMetricData has no resource type; the namespace condition narrows it',
  });
  Validations.of(legacy).acknowledge({
    id: 'AgentIdentityChecks::NoBoundary',
    reason: 'legacy bot, migrating in Q3',
  });

  Validations.of(app).addPlugins(new AgentEntitlementReport(app));
  return { app, stack, agent, outdir };
}

/** Synthesizes the reference app and reads back the report it wrote. */
export function synthReport(options: FixtureOptions = {}): {
  fixture: Fixture;
  report: EntitlementReportJson;
  markdown: string;
} {
  const fixture = referenceApp(options);
  fixture.app.synth();
  const report = JSON.parse(fs.readFileSync(path.join(fixture.outdir, 'agent-entitlements.json'), 'utf8'));
  const markdown = fs.readFileSync(path.join(fixture.outdir, 'agent-entitlements.md'), 'utf8');
  return { fixture, report, markdown };
}
