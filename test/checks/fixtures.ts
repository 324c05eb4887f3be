import { App, Duration, PolicyValidationPluginReport, Stack, Tags } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import {
  AgentBoundary,
  AgentIdentity,
  AgentIdentityChecks,
  AgentIdentityChecksProps,
  AgentRuntime,
} from '../../lib';

export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';
export const ENV = { account: ACCOUNT, region: REGION };

/** The ids of every finding a report holds, e.g. `AgentIdentity-ActionsExist[Action::s3:GetObjects]`. */
export function findingIds(report: PolicyValidationPluginReport): string[] {
  return report.violations.map((v) => v.ruleName).sort();
}

/** The rule ids (without the finding part) a report holds, deduplicated. */
export function ruleIds(report: PolicyValidationPluginReport): string[] {
  return [...new Set(report.violations.map((v) => v.ruleName.replace(/\[.*$/, '')))].sort();
}

/** Synthesizes the app (so tags and cross-stack references are in place), then runs the pack. */
export function check(app: App, props: AgentIdentityChecksProps = {}): PolicyValidationPluginReport {
  app.synth();
  return new AgentIdentityChecks(app, props).validateScope(app);
}

/** Findings of one construct path prefix. */
export function findingsAt(report: PolicyValidationPluginReport, path: string): string[] {
  return report.violations
    .filter((v) => v.violatingResources.some((r) => (r.constructPath ?? '').startsWith(path)))
    .map((v) => v.ruleName)
    .sort();
}

export interface CleanApp {
  readonly app: App;
  readonly stack: Stack;
  readonly auditStack: Stack;
  readonly agent: AgentIdentity;
  readonly bucket: s3.Bucket;
  readonly secret: secretsmanager.Secret;
  readonly trail: cloudtrail.CfnTrail;
}

/**
 * An app that passes every rule (with requireGuardrail): one tenant agent (AgentIdentity) that
 * reads a tenant bucket and a rotated, CMK-encrypted secret under the tenant condition and
 * invokes one exact model pinned to a guardrail; an audit stack with a validated, encrypted trail writing to an object-locked bucket.
 */
export function cleanApp(): CleanApp {
  const app = new App();
  const auditStack = new Stack(app, 'Audit', { env: ENV });
  const trail = auditTrailInto(auditStack);

  const stack = new Stack(app, 'Agents', { env: ENV });
  const agent = new AgentIdentity(stack, 'Triage', {
    agentName: 'email-triage',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    owner: 'support-platform@example.com',
  });
  const bucket = new s3.Bucket(stack, 'Inbox');
  agent.addToAgentPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [bucket.arnForObjects('inbox/*')],
      conditions: { StringEquals: { 's3:ExistingObjectTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}' } },
    }),
  );
  agent.addToAgentPolicy(
    new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: [
        stack.formatArn({
          service: 'bedrock',
          account: '',
          resource: 'foundation-model',
          resourceName: 'anthropic.claude-3-5-haiku-20241022-v1:0',
        }),
      ],
    }),
  );
  agent.addToAgentPolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['bedrock:InvokeModel'],
      resources: ['*'],
      conditions: {
        StringNotEquals: {
          'bedrock:GuardrailIdentifier': stack.formatArn({
            service: 'bedrock',
            resource: 'guardrail',
            resourceName: 'abc123:1',
          }),
        },
      },
    }),
  );
  const secret = new secretsmanager.Secret(stack, 'ApiKey', {
    encryptionKey: new kms.Key(stack, 'SecretKey'),
  });
  secret.addRotationSchedule('Rotation', {
    hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser(),
    automaticallyAfter: Duration.days(30),
  });
  agent.addToAgentPolicy(
    new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [secret.secretArn],
      conditions: { StringEquals: { 'aws:ResourceTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}' } },
    }),
  );
  return { app, stack, auditStack, agent, bucket, secret, trail };
}

/** A trail that qualifies: logging, validated, KMS-encrypted, object-locked bucket. */
export function auditTrailInto(
  stack: Stack,
  overrides: Partial<cloudtrail.CfnTrailProps> = {},
): cloudtrail.CfnTrail {
  const key = new kms.Key(stack, 'TrailKey');
  const bucket = new s3.Bucket(stack, 'TrailBucket', { objectLockEnabled: true });
  return new cloudtrail.CfnTrail(stack, 'Trail', {
    isLogging: true,
    isMultiRegionTrail: true,
    enableLogFileValidation: true,
    kmsKeyId: key.keyArn,
    s3BucketName: bucket.bucketName,
    ...overrides,
  });
}

/**
 * A hand-written agent role (plain iam.Role + Tags) that passes every rule: the stack's
 * AgentBoundary as boundary and its GuardRails policy attached, lambda trust with
 * aws:SourceAccount, tags ai:agent and ai:owner, one exact grant.
 */
export function handWrittenRole(scope: IConstruct, id: string, agentName: string): iam.Role {
  const stack = Stack.of(scope);
  const rails = AgentBoundary.of(stack);
  const role = new iam.Role(stack, id, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    permissionsBoundary: rails.boundary,
    managedPolicies: [rails.permissionsGuardrails],
  });
  Tags.of(role).add('ai:agent', agentName);
  Tags.of(role).add('ai:owner', 'team@example.com');
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['sqs:SendMessage'],
      resources: [stack.formatArn({ service: 'sqs', resource: 'outbox' })],
    }),
  );
  return role;
}

/**
 * The findings of one rule, as the part in brackets (`Action::s3:*`); a rule reported without
 * findings (plain non-compliance) appears as `''`.
 */
export function findingsFor(report: PolicyValidationPluginReport, rule: string): string[] {
  const prefix = `AgentIdentity-${rule}`;
  return report.violations
    .map((v) => v.ruleName)
    .filter((id) => id === prefix || id.startsWith(`${prefix}[`))
    .map((id) => (id === prefix ? '' : id.slice(prefix.length + 1, -1)))
    .sort();
}

/** An app with one environment-bound stack and nothing in it. */
export function plainApp(): { app: App; stack: Stack } {
  const app = new App();
  return { app, stack: new Stack(app, 'Agents', { env: ENV }) };
}

/** An AgentIdentity in a fresh app, tenant `acme`, owned. */
export function agentApp(props: Partial<import('../../lib').AgentIdentityProps> = {}): {
  app: App;
  stack: Stack;
  agent: AgentIdentity;
} {
  const { app, stack } = plainApp();
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'worker',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    owner: 'team@example.com',
    ...props,
  });
  return { app, stack, agent };
}
