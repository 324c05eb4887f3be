import { ArnFormat, Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeControlTowerFindings } from '../shared/control-tower-acknowledgements';
import { failAt, show } from '../shared/errors';
import { acknowledgeFindings } from '../shared/nag-acknowledgements';
import { cloudWatchLogsKeyStatement, denyGrantsExceptForAwsServices } from '../shared/kms-statements';

/** Properties of a `ModelInvocationLogging`. */
export interface ModelInvocationLoggingProps {
  /**
   * Deliver invocation logs to a new S3 bucket encrypted with `encryptionKey`.
   * @default true
   */
  readonly s3Delivery?: boolean;
  /**
   * Deliver invocation logs to a new CloudWatch Logs group encrypted with `encryptionKey`.
   * @default false
   */
  readonly cloudWatchDelivery?: boolean;
  /**
   * KMS key for the bucket and the log group. When you bring a key, its policy must allow
   * `bedrock.amazonaws.com` `kms:GenerateDataKey` and the CloudWatch Logs service the use of the key.
   * @default - a new customer managed key with rotation, whose policy allows exactly that
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Prefix of the log objects in the bucket (no leading or trailing slash).
   * @default 'bedrock-invocation-logs'
   */
  readonly keyPrefix?: string;
  /**
   * Name of the log group.
   * @default 'bedrock/model-invocations'
   */
  readonly logGroupName?: string;
  /**
   * How long CloudWatch keeps the logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * VPC to run the deploy-time provider function in (aws-cdk-lib's AwsCustomResource singleton of
   * the stack; it needs a route to the Bedrock API).
   * @default - outside a VPC; the NIST and AWS Control Tower findings are acknowledged with the reason
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` for the provider function.
   * @default - the private subnets of `vpc`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Log the text of prompts and responses.
   * @default true
   */
  readonly textData?: boolean;
  /**
   * Log images in prompts and responses.
   * @default false
   */
  readonly imageData?: boolean;
  /**
   * Log embeddings.
   * @default false
   */
  readonly embeddingData?: boolean;
  /**
   * What happens to the bucket, log group and key when the stack deletes them.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const DEFAULT_PREFIX = 'bedrock-invocation-logs';
const DEFAULT_LOG_GROUP = 'bedrock/model-invocations';
const KEY_PREFIX = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const BEDROCK = 'bedrock.amazonaws.com';
/** CloudWatch Logs needs these on the key (the expansion of AWS's documented `kms:Encrypt*` etc.). */
const LOGS_KEY_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
];
/** The construct id aws-cdk-lib gives the AwsCustomResource singleton provider function. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';
const registries = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Bedrock model invocation logging for the stack's account and region, with KMS-encrypted
 * destinations that only Bedrock of this account and region may write to.
 *
 * CloudFormation has no resource for this setting, so a custom resource calls
 * `PutModelInvocationLoggingConfiguration` on create and update and
 * `DeleteModelInvocationLoggingConfiguration` on delete. The setting is one per account and
 * region: a second `ModelInvocationLogging` for the same environment in one app is an error.
 */
export class ModelInvocationLogging extends Construct {
  /** The key that encrypts the destinations. */
  public readonly encryptionKey: kms.IKey;
  /** The log bucket, when `s3Delivery` is on. */
  public readonly bucket?: s3.IBucket;
  /** The log group, when `cloudWatchDelivery` is on. */
  public readonly logGroup?: logs.ILogGroup;
  /** The role Bedrock assumes to write to CloudWatch Logs, when `cloudWatchDelivery` is on. */
  public readonly deliveryRole?: iam.IRole;
  /** The S3 key prefix of the logs. */
  public readonly keyPrefix: string;

  constructor(scope: Construct, id: string, props: ModelInvocationLoggingProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    registerOnePerEnvironment(this, stack);
    const toS3 = props.s3Delivery ?? true;
    const toCloudWatch = props.cloudWatchDelivery ?? false;
    if (!toS3 && !toCloudWatch) {
      failAt(this, 's3Delivery and cloudWatchDelivery are both false; enable at least one destination');
    }
    this.keyPrefix = validateKeyPrefix(this, props.keyPrefix ?? DEFAULT_PREFIX);
    const logGroupName = validateLogGroupName(this, props.logGroupName ?? DEFAULT_LOG_GROUP);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // Bedrock of this account and region, and nothing else, may deliver (confused-deputy guard).
    const fromBedrockHere = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'bedrock', resource: '*' }) },
    };

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'Encrypts Bedrock model invocation logs',
        enableKeyRotation: true,
        removalPolicy,
      });
    if (!props.encryptionKey)
      (this.encryptionKey as kms.Key).addToResourcePolicy(denyGrantsExceptForAwsServices());
    const keyPolicy: iam.AddToResourcePolicyResult[] = [];

    const dependencies: IConstruct[] = [];
    let s3Config: Record<string, unknown> | undefined;
    if (toS3) {
      const bucket = new s3.Bucket(this, 'Bucket', {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: this.encryptionKey,
        bucketKeyEnabled: true,
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned: true,
        removalPolicy,
        lifecycleRules: [
          {
            transitions: [
              { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            ],
            noncurrentVersionExpiration: Duration.days(90),
            abortIncompleteMultipartUploadAfter: Duration.days(7),
          },
        ],
      });
      acknowledgeControlTowerFindings(bucket, {
        s3_bucket_logging_enabled_check:
          'server access logs need a target bucket, which is the account’s choice (pass a logged bucket through your own S3 setup); ' +
          'every write to this bucket is Bedrock’s own log delivery, recorded by CloudTrail',
        s3_bucket_object_lock_enabled_check:
          'Object Lock can only be enabled when a bucket is created and is not verified to work with Bedrock log delivery; ' +
          'the bucket is versioned and KMS-encrypted',
      });
      // Object events go to EventBridge, set on the L1: the L2 switch adds a custom-resource function.
      (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
        eventBridgeConfiguration: { eventBridgeEnabled: true },
      };
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'BedrockInvocationLogDelivery',
          principals: [new iam.ServicePrincipal(BEDROCK)],
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects(`${this.keyPrefix}/*`)],
          conditions: fromBedrockHere,
        }),
      );
      keyPolicy.push(
        this.encryptionKey.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: 'BedrockInvocationLogEncryption',
            principals: [new iam.ServicePrincipal(BEDROCK)],
            actions: ['kms:GenerateDataKey'],
            resources: ['*'],
            conditions: fromBedrockHere,
          }),
        ),
      );
      this.bucket = bucket;
      dependencies.push(bucket);
      s3Config = { bucketName: bucket.bucketName, keyPrefix: this.keyPrefix };
    }

    let cloudWatchConfig: Record<string, unknown> | undefined;
    if (toCloudWatch) {
      const logGroupArn = stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: logGroupName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      const logGroup = new logs.LogGroup(this, 'LogGroup', {
        logGroupName,
        encryptionKey: this.encryptionKey,
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        removalPolicy,
      });
      keyPolicy.push(
        this.encryptionKey.addToResourcePolicy(
          cloudWatchLogsKeyStatement({
            sid: 'CloudWatchLogsEncryption',
            region: stack.region,
            logGroupArn,
            actions: LOGS_KEY_ACTIONS,
          }),
        ),
      );
      const role = new iam.Role(this, 'DeliveryRole', {
        assumedBy: new iam.ServicePrincipal(BEDROCK).withConditions(fromBedrockHere),
        description: 'Bedrock writes model invocation logs to CloudWatch Logs',
      });
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroupArn}:log-stream:*`],
        }),
      );
      this.logGroup = logGroup;
      this.deliveryRole = role;
      dependencies.push(logGroup, role);
      cloudWatchConfig = { logGroupName, roleArn: role.roleArn };
    }

    if (keyPolicy.some((r) => !r.statementAdded)) {
      Annotations.of(this).addWarningV2(
        'cdk-agent-identity:invocation-logging-key-policy',
        'encryptionKey is imported, so its key policy cannot be extended here; it must allow bedrock.amazonaws.com ' +
          'kms:GenerateDataKey (S3) and the CloudWatch Logs service the use of the key (log group), or delivery fails',
      );
    }

    const put: cr.AwsSdkCall = {
      service: 'Bedrock',
      action: 'putModelInvocationLoggingConfiguration',
      parameters: {
        loggingConfig: {
          ...(s3Config ? { s3Config } : {}),
          ...(cloudWatchConfig ? { cloudWatchConfig } : {}),
          textDataDeliveryEnabled: props.textData ?? true,
          imageDataDeliveryEnabled: props.imageData ?? false,
          embeddingDataDeliveryEnabled: props.embeddingData ?? false,
        },
      },
      physicalResourceId: cr.PhysicalResourceId.of('bedrock-model-invocation-logging'),
    };
    const statements = [
      // Both actions take no resource type, so `*` is the only possible resource.
      new iam.PolicyStatement({
        actions: [
          'bedrock:PutModelInvocationLoggingConfiguration',
          'bedrock:DeleteModelInvocationLoggingConfiguration',
        ],
        resources: ['*'],
      }),
    ];
    if (this.deliveryRole) {
      statements.push(
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [this.deliveryRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': BEDROCK } },
        }),
      );
    }
    const resource = new cr.AwsCustomResource(this, 'Resource', {
      resourceType: 'Custom::BedrockModelInvocationLogging',
      onCreate: put,
      onUpdate: put,
      onDelete: { service: 'Bedrock', action: 'deleteModelInvocationLoggingConfiguration' },
      policy: cr.AwsCustomResourcePolicy.fromStatements(statements),
      installLatestAwsSdk: false,
      vpc: props.vpc,
      vpcSubnets: props.vpc ? props.vpcSubnets : undefined,
    });
    acknowledgeFindings(resource, {
      'AwsSolutions-IAM5[Resource::*]':
        'bedrock:PutModelInvocationLoggingConfiguration and DeleteModelInvocationLoggingConfiguration have no resource type: ' +
        'IAM accepts only * for them',
      'NIST.800.53.R5-IAMNoInlinePolicy':
        'the custom resource policy is generated for this one deploy-time call and must not be attachable elsewhere',
    });
    acknowledgeCustomResourceProvider(Stack.of(this), props.vpc !== undefined);
    // Bedrock checks the destinations when the configuration is put: they must exist with their policies.
    for (const d of dependencies) resource.node.addDependency(d);
    if (this.encryptionKey instanceof kms.Key) resource.node.addDependency(this.encryptionKey);
  }
}

/** The stack-wide singleton function behind every AwsCustomResource (created by aws-cdk-lib). */
function acknowledgeCustomResourceProvider(stack: Stack, inVpc: boolean): void {
  const provider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
  if (!provider) return;
  const deployTimeOnly =
    'the aws-cdk-lib AwsCustomResource provider runs only while CloudFormation deploys this stack';
  acknowledgeFindings(provider, {
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]': `${deployTimeOnly}; aws-cdk-lib attaches the AWS managed basic execution policy (log writing only)`,
    'NIST.800.53.R5-LambdaConcurrency': `${deployTimeOnly}, invoked once per resource operation`,
    'NIST.800.53.R5-LambdaDLQ': `${deployTimeOnly}; CloudFormation invokes it synchronously and reports failures itself`,
  });
  if (inVpc) return;
  const outsideVpc = `${deployTimeOnly} and calls only the Bedrock control-plane API; pass { vpc } to place it in one`;
  acknowledgeFindings(provider, { 'NIST.800.53.R5-LambdaInsideVPC': outsideVpc });
  acknowledgeControlTowerFindings(provider, { lambda_inside_vpc_check: outsideVpc });
}

function registerOnePerEnvironment(scope: Construct, stack: Stack): void {
  const root = scope.node.root;
  let taken = registries.get(root);
  if (!taken) {
    taken = new Map();
    registries.set(root, taken);
  }
  const agnostic = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region);
  const env = `${stack.account}/${stack.region}`;
  const other = taken.get(env);
  if (other !== undefined) {
    failAt(
      scope,
      `model invocation logging is one setting per account and region and ${other} already configures it for ` +
        `${agnostic ? 'stacks without an explicit env (they deploy to the same default account and region)' : `account ${stack.account} in ${stack.region}`}; ` +
        `keep one ModelInvocationLogging per environment`,
    );
  }
  taken.set(env, scope.node.path);
}

function validateKeyPrefix(scope: Construct, prefix: string): string {
  if (typeof prefix !== 'string' || Token.isUnresolved(prefix) || !KEY_PREFIX.test(prefix)) {
    failAt(
      scope,
      `keyPrefix ${show(prefix)} must be a literal S3 key prefix without leading or trailing slash, e.g. 'bedrock-invocation-logs'`,
    );
  }
  return prefix;
}

function validateLogGroupName(scope: Construct, name: string): string {
  if (typeof name !== 'string' || Token.isUnresolved(name) || !LOG_GROUP_NAME.test(name)) {
    failAt(
      scope,
      `logGroupName ${show(name)} must be a literal of 1-512 letters, digits or . - _ / #, e.g. 'bedrock/model-invocations'`,
    );
  }
  return name;
}
