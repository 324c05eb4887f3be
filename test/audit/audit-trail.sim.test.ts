import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity, AgentRuntime } from '../../lib';
import { AgentAuditTrail } from '../../lib/audit';
import {
  ALARM_TOPIC_PROTECTED_ACTIONS,
  AUDIT_BUCKET_PROTECTED_ACTIONS,
} from '../../lib/audit/private/protected-actions';
import {
  ROLE_ASSUMPTION_EVENTS,
  ROLE_CHANGE_EVENTS,
  TRAIL_TAMPERING_EVENTS,
} from '../../lib/audit/filter-patterns';
import { actionExists, matchingActions } from '../../lib/shared/iam-catalog';
import { TemplateResolver } from '../helpers/resolve';
import { RolePolicies, agentRoleId, rolePolicies, simulate } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// GIVEN an agent recorded by the trail that was (wrongly) granted '*' on '*',
// so only the permissions guardrails and the audit resources' own policies can stop it
const { stack } = newStack();
const trail = new AgentAuditTrail(stack, 'Audit');
const agent = new AgentIdentity(stack, 'Agent', {
  agentName: 'over-granted',
  runtime: AgentRuntime.lambdaFunction(),
  tenant: 'acme',
  auditTrail: trail,
});
agent.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
const template = Template.fromStack(stack).toJSON();
const r = new TemplateResolver(template);
const role = rolePolicies(template, agentRoleId(template, 'over-granted'));
const idOf = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
const trailArn = r.arn(idOf(trail));
const logBucketId = idOf(trail.logBucket);
const accessLogBucketId = idOf(trail.accessLogBucket);
const bucketPolicy = (bucketId: string): Json => {
  const [, policy] = Object.entries<Json>(template.Resources).find(
    ([, res]) => res.Type === 'AWS::S3::BucketPolicy' && res.Properties.Bucket.Ref === bucketId,
  )!;
  return r.resolve(policy.Properties.PolicyDocument);
};
const topicPolicy = (): Json =>
  r.resolve(
    Object.values<Json>(template.Resources).find((res) => res.Type === 'AWS::SNS::TopicPolicy').Properties
      .PolicyDocument,
  );

/** A role without the ai:agent tag but with the same '*' grant: an administrator. */
const admin: RolePolicies = {
  logicalId: 'Admin',
  roleArn: 'arn:aws:iam::111111111111:role/admin',
  sessionArn: 'arn:aws:sts::111111111111:assumed-role/admin/ops',
  tags: {},
  identityPolicies: [
    {
      name: 'admin',
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    },
  ],
  trustPolicy: {},
};

describe('agents cannot stop, delete or reconfigure the trail', () => {
  test.each(TRAIL_TAMPERING_EVENTS.map((e) => [`cloudtrail:${e}`]))(
    '%s on the trail is explicitly denied',
    async (action) => {
      // WHEN the agent calls it on this trail
      const decision = await simulate(role, { action, resource: trailArn });
      // THEN a permissions guardrail denies it
      expect(decision).toBe('ExplicitlyDenied');
    },
  );

  test.each([
    ['logs:DeleteLogGroup', () => r.arn(idOf(trail.logGroup))],
    ['logs:PutRetentionPolicy', () => r.arn(idOf(trail.logGroup))],
    ['kms:ScheduleKeyDeletion', () => r.arn(idOf(trail.encryptionKey))],
    ['kms:DisableKey', () => r.arn(idOf(trail.encryptionKey))],
    ['cloudwatch:DeleteAlarms', () => 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:any'],
  ])('%s on the trail log group, key or alarms is explicitly denied', async (action, resource) => {
    expect(await simulate(role, { action, resource: resource() })).toBe('ExplicitlyDenied');
  });
});

describe('agents cannot delete or rewrite log objects (bucket policy, simulated with the resolved policy)', () => {
  const logObject = () =>
    `${r.arn(logBucketId)}/AWSLogs/111111111111/CloudTrail/us-east-1/2025/01/01/log.json.gz`;

  test.each([
    ['s3:DeleteObject', logBucketId, 'object'],
    ['s3:DeleteObjectVersion', logBucketId, 'object'],
    ['s3:PutObject', logBucketId, 'object'],
    ['s3:BypassGovernanceRetention', logBucketId, 'object'],
    ['s3:PutObjectRetention', logBucketId, 'object'],
    ['s3:PutLifecycleConfiguration', logBucketId, 'bucket'],
    ['s3:PutBucketObjectLockConfiguration', logBucketId, 'bucket'],
    ['s3:PutBucketVersioning', logBucketId, 'bucket'],
    ['s3:DeleteObject', accessLogBucketId, 'object'],
    ['s3:PutLifecycleConfiguration', accessLogBucketId, 'bucket'],
  ])('%s on the %s bucket (%s) is explicitly denied', async (action, bucketId, level) => {
    const resource =
      level === 'object'
        ? bucketId === logBucketId
          ? logObject()
          : `${r.arn(bucketId)}/audit-log-bucket/x`
        : r.arn(bucketId);
    // WHEN the agent calls it with the bucket policy in force
    const decision = await simulate(role, { action, resource, resourcePolicy: bucketPolicy(bucketId) });
    // THEN it is denied
    expect(decision).toBe('ExplicitlyDenied');
  });

  test('the bucket policy is what denies: without it the over-granted agent could delete a log object', async () => {
    expect(await simulate(role, { action: 's3:DeleteObject', resource: logObject() })).toBe('Allowed');
  });

  test('s3:PutBucketPolicy is denied by both the permissions guardrails and the bucket policy', async () => {
    expect(await simulate(role, { action: 's3:PutBucketPolicy', resource: r.arn(logBucketId) })).toBe(
      'ExplicitlyDenied',
    );
    expect(
      await simulate(admin, {
        action: 's3:PutBucketPolicy',
        resource: r.arn(logBucketId),
        resourcePolicy: bucketPolicy(logBucketId),
      }),
    ).toBe('Allowed');
    const asAgentByTagOnly = { ...admin, tags: { 'ai:agent': 'x' } };
    expect(
      await simulate(asAgentByTagOnly, {
        action: 's3:PutBucketPolicy',
        resource: r.arn(logBucketId),
        resourcePolicy: bucketPolicy(logBucketId),
      }),
    ).toBe('ExplicitlyDenied');
  });

  test('a principal without the ai:agent tag is not caught by the agent deny (Object Lock still protects the objects)', async () => {
    expect(
      await simulate(admin, {
        action: 's3:GetObject',
        resource: logObject(),
        resourcePolicy: bucketPolicy(logBucketId),
      }),
    ).toBe('Allowed');
    expect(
      await simulate(admin, {
        action: 's3:DeleteObject',
        resource: logObject(),
        resourcePolicy: bucketPolicy(logBucketId),
      }),
    ).toBe('Allowed');
  });

  test('requests without TLS are denied to everyone', async () => {
    const decision = await simulate(admin, {
      action: 's3:GetObject',
      resource: logObject(),
      resourcePolicy: bucketPolicy(logBucketId),
      context: { 'aws:SecureTransport': 'false' },
    });
    expect(decision).toBe('ExplicitlyDenied');
  });
});

describe('agents cannot silence the alarm topic', () => {
  test.each(ALARM_TOPIC_PROTECTED_ACTIONS.map((a) => [a]))(
    '%s on the topic is explicitly denied',
    async (action) => {
      const topicArn = r.ref(idOf(trail.alarmTopic));
      expect(await simulate(role, { action, resource: topicArn, resourcePolicy: topicPolicy() })).toBe(
        'ExplicitlyDenied',
      );
    },
  );
});

describe('every IAM action the audit trail emits exists', () => {
  const emitted = new Set<string>();
  for (const res of Object.values<Json>(template.Resources)) {
    const docs = [res.Properties?.KeyPolicy, res.Properties?.PolicyDocument].filter(Boolean);
    for (const doc of docs)
      for (const st of doc.Statement) for (const a of [].concat(st.Action)) emitted.add(a);
  }
  const patterns = [...emitted].filter((a) => a !== '*');

  test.each(patterns.map((a) => [a]))('%s matches a real action', (action) => {
    if (action.includes('*')) expect(matchingActions(action).length).toBeGreaterThan(0);
    else expect(actionExists(action)).toBe(true);
  });

  test('the protected-action lists and the alarmed event names are real IAM actions', () => {
    for (const a of [...AUDIT_BUCKET_PROTECTED_ACTIONS, ...ALARM_TOPIC_PROTECTED_ACTIONS]) {
      expect({ a, ok: matchingActions(a).length > 0 }).toEqual({ a, ok: true });
    }
    const events = [
      ...TRAIL_TAMPERING_EVENTS.map((e) => `cloudtrail:${e}`),
      ...ROLE_CHANGE_EVENTS.map((e) => `iam:${e}`),
      ...ROLE_ASSUMPTION_EVENTS.map((e) => `sts:${e}`),
    ];
    for (const a of events) expect({ a, ok: actionExists(a) }).toEqual({ a, ok: true });
  });

  test('allow statements in the audit resources never use a wildcard action (key root delegation aside)', () => {
    for (const [id, res] of Object.entries<Json>(template.Resources)) {
      if (!id.startsWith('Audit')) continue; // only what AgentAuditTrail creates
      const doc = res.Properties?.KeyPolicy ?? res.Properties?.PolicyDocument;
      if (!doc) continue;
      for (const st of doc.Statement) {
        if (st.Effect !== 'Allow' || JSON.stringify(st.Principal ?? {}).includes(':root')) continue;
        expect({ id, wild: [].concat(st.Action).filter((a: string) => a.includes('*')) }).toEqual({
          id,
          wild: [],
        });
      }
    }
  });
});
