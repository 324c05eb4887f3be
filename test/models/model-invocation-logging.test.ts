import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ModelInvocationLogging } from '../../lib';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ACCOUNT = '111111111111';
const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });
const FROM_BEDROCK_HERE = {
  StringEquals: { 'aws:SourceAccount': ACCOUNT },
  ArnLike: { 'aws:SourceArn': partitionArn(`:bedrock:us-east-1:${ACCOUNT}:*`) },
};

/** The SDK call a custom resource property encodes, with tokens rendered as {ref}. */
function sdkCall(value: Json): Json {
  const text =
    typeof value === 'string'
      ? value
      : value['Fn::Join'][1].map((p: Json) => (typeof p === 'string' ? p : '{ref}')).join('');
  return JSON.parse(text);
}

describe('ModelInvocationLogging to S3 (default)', () => {
  // GIVEN the default construct
  const { stack } = newStack();
  const logging = new ModelInvocationLogging(stack, 'Logging');
  const template = Template.fromStack(stack);
  const keyId = stack.getLogicalId(logging.encryptionKey.node.defaultChild as kms.CfnKey);

  test('the bucket is encrypted with the customer managed key and closed to the public', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  test('old logs move to cheaper storage, object events reach EventBridge, grants only for AWS services', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
            NoncurrentVersionExpiration: { NoncurrentDays: 90 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          }),
        ],
      },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DenyGrantsExceptForAwsServices',
            Effect: 'Deny',
            Action: 'kms:CreateGrant',
          }),
        ]),
      },
    });
  });

  test('only Bedrock of this account and region may put objects, under the prefix', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'BedrockInvocationLogDelivery',
            Effect: 'Allow',
            Principal: { Service: 'bedrock.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: {
              'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, '/bedrock-invocation-logs/*']],
            },
            Condition: FROM_BEDROCK_HERE,
          },
        ]),
      },
    });
  });

  test('the key lets Bedrock generate data keys under the same conditions, and nothing else for Bedrock', () => {
    const key = template.findResources('AWS::KMS::Key')[keyId];
    const forBedrock = key.Properties.KeyPolicy.Statement.filter(
      (s: Json) => s.Principal?.Service === 'bedrock.amazonaws.com',
    );
    expect(forBedrock).toEqual([
      {
        Sid: 'BedrockInvocationLogEncryption',
        Effect: 'Allow',
        Principal: { Service: 'bedrock.amazonaws.com' },
        Action: 'kms:GenerateDataKey',
        Resource: '*',
        Condition: FROM_BEDROCK_HERE,
      },
    ]);
  });

  test('the custom resource puts the configuration on create and update and deletes it on delete', () => {
    const [resource] = Object.values(
      template.findResources('Custom::BedrockModelInvocationLogging'),
    ) as Json[];
    const expected = {
      service: 'Bedrock',
      action: 'putModelInvocationLoggingConfiguration',
      parameters: {
        loggingConfig: {
          s3Config: { bucketName: '{ref}', keyPrefix: 'bedrock-invocation-logs' },
          textDataDeliveryEnabled: true,
          imageDataDeliveryEnabled: false,
          embeddingDataDeliveryEnabled: false,
        },
      },
      physicalResourceId: { id: 'bedrock-model-invocation-logging' },
    };
    expect(sdkCall(resource.Properties.Create)).toEqual(expected);
    expect(sdkCall(resource.Properties.Update)).toEqual(expected);
    expect(sdkCall(resource.Properties.Delete)).toEqual({
      service: 'Bedrock',
      action: 'deleteModelInvocationLoggingConfiguration',
    });
    expect(resource.Properties.InstallLatestAwsSdk).toBe(false);
    // AND it waits for the bucket policy: Bedrock checks the destination when the configuration is put
    expect(resource.DependsOn).toEqual(
      expect.arrayContaining([expect.stringMatching(/^LoggingBucketPolicy/)]),
    );
  });

  test('the custom resource may only put and delete the configuration (no resource type: *)', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('CustomResourcePolicy'),
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'bedrock:PutModelInvocationLoggingConfiguration',
              'bedrock:DeleteModelInvocationLoggingConfiguration',
            ],
            Resource: '*',
          },
        ],
      },
    });
  });

  test('no CloudWatch destination unless asked', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    expect(logging.deliveryRole).toBeUndefined();
  });
});

describe('ModelInvocationLogging to CloudWatch Logs', () => {
  // GIVEN CloudWatch only
  const { stack } = newStack();
  new ModelInvocationLogging(stack, 'Logging', {
    s3Delivery: false,
    cloudWatchDelivery: true,
    logGroupName: 'ai/invocations',
  });
  const template = Template.fromStack(stack);
  const logGroupArn = partitionArn(`:logs:us-east-1:${ACCOUNT}:log-group:ai/invocations`);

  test('the log group is encrypted with the key', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'ai/invocations',
      KmsKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
      RetentionInDays: 365,
    });
    template.resourceCountIs('AWS::S3::Bucket', 0);
  });

  test('the key lets CloudWatch Logs use it for this log group only, with exact actions', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'CloudWatchLogsEncryption',
            Effect: 'Allow',
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Action: [
              'kms:Encrypt',
              'kms:Decrypt',
              'kms:ReEncryptFrom',
              'kms:ReEncryptTo',
              'kms:GenerateDataKey',
              'kms:GenerateDataKeyPair',
              'kms:GenerateDataKeyPairWithoutPlaintext',
              'kms:GenerateDataKeyWithoutPlaintext',
              'kms:DescribeKey',
            ],
            Resource: '*',
            Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
          },
        ]),
      },
    });
  });

  test('the delivery role is trusted by Bedrock of this account and region only and writes to the log group only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'bedrock.amazonaws.com' },
            Condition: FROM_BEDROCK_HERE,
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: partitionArn(`:logs:us-east-1:${ACCOUNT}:log-group:ai/invocations:log-stream:*`),
          },
        ],
      },
    });
  });

  test('the custom resource may pass the delivery role to Bedrock only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('CustomResourcePolicy'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeliveryRole'), 'Arn'] },
            Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
          },
        ]),
      },
    });
  });

  test('the configuration names the log group and the role', () => {
    const [resource] = Object.values(
      template.findResources('Custom::BedrockModelInvocationLogging'),
    ) as Json[];
    expect(sdkCall(resource.Properties.Create).parameters.loggingConfig).toEqual({
      cloudWatchConfig: { logGroupName: 'ai/invocations', roleArn: '{ref}' },
      textDataDeliveryEnabled: true,
      imageDataDeliveryEnabled: false,
      embeddingDataDeliveryEnabled: false,
    });
  });
});

describe('ModelInvocationLogging rules', () => {
  test('a second one in the same account and region is an error', () => {
    // GIVEN one in the app
    const app = new App();
    const env = { account: ACCOUNT, region: 'us-east-1' };
    new ModelInvocationLogging(new Stack(app, 'One', { env }), 'Logging');
    // WHEN a second stack of the same env adds another THEN synth fails, naming the first
    expect(() => new ModelInvocationLogging(new Stack(app, 'Two', { env }), 'Logging')).toThrow(
      /Two\/Logging: model invocation logging is one setting per account and region and One\/Logging already configures it for account 111111111111 in us-east-1/,
    );
  });

  test('another region of the same account is fine', () => {
    const app = new App();
    new ModelInvocationLogging(
      new Stack(app, 'East', { env: { account: ACCOUNT, region: 'us-east-1' } }),
      'Logging',
    );
    expect(
      () =>
        new ModelInvocationLogging(
          new Stack(app, 'West', { env: { account: ACCOUNT, region: 'us-west-2' } }),
          'Logging',
        ),
    ).not.toThrow();
  });

  test('two env-agnostic stacks count as the same environment', () => {
    const app = new App();
    new ModelInvocationLogging(new Stack(app, 'A'), 'Logging');
    expect(() => new ModelInvocationLogging(new Stack(app, 'B'), 'Logging')).toThrow(
      /stacks without an explicit env/,
    );
  });

  test.each([
    ['no destination', { s3Delivery: false }, /enable at least one destination/],
    [
      'a prefix with a trailing slash',
      { keyPrefix: 'logs/' },
      /keyPrefix "logs\/" must be a literal S3 key prefix/,
    ],
    ['a wildcard prefix', { keyPrefix: 'logs*' }, /keyPrefix "logs\*"/],
    [
      'a bad log group name',
      { cloudWatchDelivery: true, logGroupName: 'bad name' },
      /logGroupName "bad name"/,
    ],
  ])('%s is refused', (_what, props, message) => {
    const { stack } = newStack();
    expect(() => new ModelInvocationLogging(stack, 'Logging', props)).toThrow(message);
  });

  test('an imported key cannot be extended: warn what its policy must allow', () => {
    const { stack } = newStack();
    const key = kms.Key.fromKeyArn(
      stack,
      'Imported',
      `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    );
    new ModelInvocationLogging(stack, 'Logging', { encryptionKey: key });
    Annotations.fromStack(stack).hasWarning(
      '/TestStack/Logging',
      Match.stringLikeRegexp('encryptionKey is imported'),
    );
  });
});
