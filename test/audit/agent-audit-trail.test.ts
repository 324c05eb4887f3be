import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AgentAuditTrail, AuditObjectLockMode } from '../../lib/audit';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function synth(props: ConstructorParameters<typeof AgentAuditTrail>[2] = {}) {
  const { stack } = newStack();
  const trail = new AgentAuditTrail(stack, 'Audit', props);
  return { stack, trail, template: Template.fromStack(stack) };
}

function only(template: Template, type: string, props: Json = {}): [string, Json] {
  const found = Object.entries(template.findResources(type, props));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('AgentAuditTrail: the trail', () => {
  // GIVEN a trail with defaults
  const { template, trail } = synth();
  const [keyId] = only(template, 'AWS::KMS::Key');
  const [logBucketId] = only(template, 'AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } });
  const [logGroupId] = only(template, 'AWS::Logs::LogGroup');

  test('is multi-region, logging, validated, KMS-encrypted and delivered to the log bucket and log group', () => {
    // THEN the trail has every protection switched on
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      S3BucketName: { Ref: logBucketId },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
      CloudWatchLogsRoleArn: Match.anyValue(),
    });
    expect(trail.node.defaultChild).toBe(trail.trail);
  });

  test('records management events through an advanced selector and uses no basic selectors', () => {
    const [, res] = only(template, 'AWS::CloudTrail::Trail');
    expect(res.Properties.EventSelectors).toBeUndefined();
    expect(res.Properties.AdvancedEventSelectors).toEqual([
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
    ]);
  });

  test('has a customer managed key with rotation on', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('the key lets CloudTrail encrypt only for this trail and this account', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudTrailToEncryptLogs',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:GenerateDataKey',
            Condition: {
              StringEquals: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      `:cloudtrail:us-east-1:111111111111:trail/${trail.trailName}`,
                    ],
                  ],
                },
                'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              },
              StringLike: {
                'kms:EncryptionContext:aws:cloudtrail:arn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:*:111111111111:trail/*']],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  test('the key lets CloudWatch Logs use it only for the trail log group', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsForTheTrailLogGroup',
            Condition: {
              ArnEquals: {
                'kms:EncryptionContext:aws:logs:arn': {
                  'Fn::Join': [
                    '',
                    Match.arrayWith([
                      `:logs:us-east-1:111111111111:log-group:/agent-audit/${trail.trailName}`,
                    ]),
                  ],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  test('the key limits grant creation to AWS services (Control Tower CT.KMS.PR.3)', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'DenyGrantsExceptForAwsServices',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: {
              BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
            },
          },
        ]),
      },
    });
  });

  test('no allow statement of the key policy uses a wildcard action, except the account-root delegation', () => {
    const [, key] = only(template, 'AWS::KMS::Key');
    for (const st of key.Properties.KeyPolicy.Statement) {
      if (st.Effect !== 'Allow') continue;
      const actions: string[] = [].concat(st.Action);
      const rootDelegation = JSON.stringify(st.Principal).includes(':root');
      if (!rootDelegation) expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    }
  });

  test('the CloudTrail bucket statements are pinned to this trail with aws:SourceArn', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AWSCloudTrailAclCheck',
            Action: 's3:GetBucketAcl',
            Condition: { StringEquals: { 'aws:SourceArn': Match.anyValue() } },
          }),
          Match.objectLike({
            Sid: 'AWSCloudTrailWrite',
            Action: 's3:PutObject',
            Condition: {
              StringEquals: {
                's3:x-amz-acl': 'bucket-owner-full-control',
                'aws:SourceArn': Match.anyValue(),
              },
            },
          }),
        ]),
      },
    });
  });

  test('the trail is created only after its bucket policy and log delivery role exist', () => {
    const [, res] = only(template, 'AWS::CloudTrail::Trail');
    const [bucketPolicyId] = only(template, 'AWS::S3::BucketPolicy', {
      Properties: { Bucket: { Ref: logBucketId } },
    });
    expect(res.DependsOn).toEqual(expect.arrayContaining([bucketPolicyId]));
    expect(res.DependsOn.length).toBe(3);
  });

  test('log delivery: the role may only create streams and put events in the trail log group', () => {
    const [roleId] = only(template, 'AWS::IAM::Role');
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' } })],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: {
              'Fn::Join': [
                '',
                Match.arrayWith([
                  `:logs:us-east-1:111111111111:log-group:/agent-audit/${trail.trailName}:log-stream:111111111111_CloudTrail_*`,
                ]),
              ],
            },
          },
        ],
      },
    });
  });

  test('the log group is KMS-encrypted and kept at least as long as the retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/agent-audit/${trail.trailName}`,
      RetentionInDays: 400,
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
  });

  test('the retention is exposed and written into the template for the evidence report', () => {
    expect(trail.retention.toDays()).toBe(400);
    const [, res] = only(template, 'AWS::CloudTrail::Trail');
    expect(res.Metadata.AgentAuditTrail).toEqual({
      RetentionDays: 400,
      ObjectLockMode: 'COMPLIANCE',
      LogGroupRetentionDays: 400,
      Agents: [],
    });
  });
});

describe('AgentAuditTrail: the buckets', () => {
  const { template } = synth();
  const [logBucketId, logBucket] = only(template, 'AWS::S3::Bucket', {
    Properties: { ObjectLockEnabled: true },
  });
  const buckets = template.findResources('AWS::S3::Bucket');
  const [accessLogId, accessLogBucket] = Object.entries<Json>(buckets).find(([id]) => id !== logBucketId)!;

  test('the log bucket is versioned, Object-Locked in COMPLIANCE mode for the retention, and KMS-encrypted', () => {
    expect(logBucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(logBucket.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } },
    });
    expect(
      logBucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
        .SSEAlgorithm,
    ).toBe('aws:kms');
  });

  test.each([
    ['log bucket', logBucket],
    ['access-log bucket', accessLogBucket],
  ])('the %s blocks public access, enforces bucket ownership, is versioned and retained', (_name, bucket) => {
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
  });

  test.each([
    ['log bucket', logBucket],
    ['access-log bucket', accessLogBucket],
  ])('the %s moves logs to cheaper storage and expires them when the retention ends', (_name, bucket) => {
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        Status: 'Enabled',
        ExpirationInDays: 400,
        Transitions: [
          { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
          { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
        ],
      }),
    ]);
  });

  test.each([
    ['log bucket', logBucketId],
    ['access-log bucket', accessLogId],
  ])('the %s denies requests without TLS', (_name, id) => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  test('server access logs of the log bucket go to the separate access-log bucket, which has no Object Lock', () => {
    expect(logBucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: accessLogId },
      LogFilePrefix: 'audit-log-bucket/',
    });
    expect(accessLogBucket.Properties.ObjectLockEnabled).toBeUndefined();
    expect(accessLogBucket.Properties.ObjectLockConfiguration).toBeUndefined();
    // delivered under a bucket policy, as BucketOwnerEnforced forbids the log-delivery ACL
    expect(accessLogBucket.Properties.AccessControl).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: accessLogId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' }),
        ]),
      },
    });
  });

  test.each([
    ['log bucket', logBucketId],
    ['access-log bucket', accessLogId],
  ])(
    'the %s denies every principal tagged ai:agent the deletion and reconfiguration of logs',
    (_name, id) => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'DenyAgentsTamperingWithAuditLogs',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: Match.arrayWith([
                's3:DeleteObject*',
                's3:PutBucketPolicy',
                's3:PutLifecycleConfiguration',
              ]),
              Condition: { Null: { 'aws:PrincipalTag/ai:agent': 'false' } },
            }),
          ]),
        },
      });
    },
  );

  test('GOVERNANCE mode can be chosen for non-production accounts', () => {
    const governance = synth({ objectLockMode: AuditObjectLockMode.GOVERNANCE });
    governance.template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 400 } } },
    });
    expect(governance.trail.objectLockMode).toBe(AuditObjectLockMode.GOVERNANCE);
  });
});

describe('AgentAuditTrail: retention', () => {
  test('defaults to 400 days', () => {
    expect(synth().trail.retention.toDays()).toBe(400);
    expect(AgentAuditTrail.DEFAULT_RETENTION.toDays()).toBe(400);
  });

  test('the floor is six months: 184 days, the longest span six calendar months cover', () => {
    expect(AgentAuditTrail.MINIMUM_RETENTION.toDays()).toBe(184);
    const { template } = synth({ retention: Duration.days(184) });
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 184 } } },
    });
    // CloudWatch Logs has no 184-day step: the next longer one keeps the logs at least as long
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test.each([
    [
      Duration.days(183),
      /retention 183 days is shorter than six months; EU AI Act Art\. 26\(6\).*Duration\.days\(184\)/,
    ],
    [Duration.days(30), /retention 30 days is shorter than six months/],
    [Duration.hours(5000), /not a whole number of days/],
    [Duration.days(36501), /exceeds the 100 years S3 Object Lock allows/],
  ])('rejects retention %s', (retention, message) => {
    expect(() => synth({ retention })).toThrow(message);
  });

  test('longer retention keeps CloudWatch Logs for the next longer step, or forever beyond ten years', () => {
    synth({ retention: Duration.days(800) }).template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 1096,
    });
    const forever = synth({ retention: Duration.days(4000) });
    expect(
      forever.template.findResources('AWS::Logs::LogGroup')[only(forever.template, 'AWS::Logs::LogGroup')[0]]
        .Properties.RetentionInDays,
    ).toBeUndefined();
  });

  test('rejects an unknown object lock mode and an invalid trail name', () => {
    expect(() => synth({ objectLockMode: 'LEGAL_HOLD' as AuditObjectLockMode })).toThrow(
      /objectLockMode "LEGAL_HOLD" is not an AuditObjectLockMode/,
    );
    expect(() => synth({ trailName: 'no spaces allowed' })).toThrow(
      /trailName "no spaces allowed" is not a valid trail name/,
    );
    synth({ trailName: 'agents-trail' }).template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'agents-trail',
    });
  });
});

describe('AgentAuditTrail: alarm topic', () => {
  const { template, trail } = synth();
  const [keyId] = only(template, 'AWS::KMS::Key');
  const [topicId] = only(template, 'AWS::SNS::Topic');

  test('is encrypted with the customer managed key and SSL-only', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('CloudWatch alarms of this account may publish to it and use the key', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsOfThisAccount',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsToPublishToTheEncryptedTopic',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
  });

  test('every alarm notifies the topic', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    expect(Object.keys(alarms)).toHaveLength(4); // access denied, role change, trail tampering, revocation;
    for (const alarm of Object.values<Json>(alarms)) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.ActionsEnabled).not.toBe(false);
      expect(alarm.Properties.Namespace).toBe(trail.metricNamespace);
    }
  });
});
