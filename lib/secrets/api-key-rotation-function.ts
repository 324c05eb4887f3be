import * as fs from 'fs';
import * as path from 'path';
import { ArnFormat, Duration, Names, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeControlTowerFindings } from '../shared/control-tower-acknowledgements';
import { cloudWatchLogsKeyStatement, denyGrantsExceptForAwsServices } from '../shared/kms-statements';
import { acknowledgeFindings, acknowledgeWildcardResource } from '../shared/nag-acknowledgements';

/** Properties of an `ApiKeyRotationFunction`. */
export interface ApiKeyRotationFunctionProps {
  /** The secret the function rotates; it may touch no other. */
  readonly secret: secretsmanager.ISecret;
  /** The key that encrypts the secret. */
  readonly encryptionKey: kms.IKey;
  /** Length of the generated key in base64url characters. */
  readonly keyLength: number;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * VPC to run the function in.
   * @default - outside a VPC (acknowledged with the reason)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc`.
   * @default - the private subnets of `vpc`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** The actions a rotation function needs on its one secret (the four rotation steps). */
export const ROTATION_SECRET_ACTIONS: readonly string[] = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];

/** KMS actions Secrets Manager calls on the caller's behalf to read (Decrypt) and write (GenerateDataKey). */
export const ROTATION_KMS_ACTIONS: readonly string[] = ['kms:Decrypt', 'kms:GenerateDataKey'];

const HANDLER_DIR = path.join('handlers', 'generated-api-key');

/**
 * The rotation function for generated API keys: the plain-JS handler shipped in this package, its
 * own least-privilege role (this secret only, its staging actions only), and a log group with
 * retention. The secret's resource policy names this role as the one non-reader that may read.
 */
export class ApiKeyRotationFunction extends Construct {
  /** The rotation function. */
  public readonly function: lambda.Function;
  /** The role the function runs as. */
  public readonly role: iam.Role;
  /** Where the function logs (never a secret value). */
  public readonly logGroup: logs.LogGroup;
  /** The customer managed key that encrypts the log group (CloudWatch Logs may use it for that group only). */
  public readonly logKey: kms.Key;
  /** The role's one policy. */
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ApiKeyRotationFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // A key of its own (the secret's key is locked to Secrets Manager), usable by CloudWatch Logs
    // for this one log group only; the name is fixed so the key policy can name the group.
    const logGroupName = `/cdk-agent-identity/rotation/${Names.uniqueResourceName(this, { maxLength: 400 })}`;
    this.logKey = new kms.Key(this, 'LogKey', {
      enableKeyRotation: true,
      description: `Encrypts the log group of the rotation function ${this.node.path}`,
    });
    this.logKey.addToResourcePolicy(
      cloudWatchLogsKeyStatement({
        sid: 'AllowCloudWatchLogsForThisLogGroup',
        region: stack.region,
        logGroupArn: stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      }),
    );
    this.logKey.addToResourcePolicy(denyGrantsExceptForAwsServices());
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName,
      encryptionKey: this.logKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });

    this.role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Rotates one agent secret (generated API key)',
    });
    const logStreams = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${this.logGroup.logGroupName}:log-stream:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // A customer managed policy rather than an inline one (NIST 800-53 IAMNoInlinePolicy).
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Rotation of one agent secret: its staging actions and its key through Secrets Manager',
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logStreams],
        }),
        ...rotationStatements(props.secret, props.encryptionKey),
      ],
    });

    this.function = new lambda.Function(this, 'Resource', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(handlerDirectory()),
      role: this.role,
      logGroup: this.logGroup,
      timeout: Duration.seconds(30),
      memorySize: 256,
      description: 'Rotates one agent secret (generated API key); never logs a secret value',
      environment: { KEY_LENGTH: String(props.keyLength) },
      vpc: props.vpc,
      vpcSubnets: props.vpc ? props.vpcSubnets : undefined,
    });
    this.function.node.addDependency(this.policy);
    acknowledgeWildcardResource(
      this.policy,
      logStreams,
      'Lambda names the log streams of its invocations itself; the wildcard stands only for stream names inside this one log group',
    );
    acknowledgeFindings(this, {
      'NIST.800.53.R5-LambdaConcurrency':
        'Secrets Manager invokes the function once per rotation step of one secret; reserving concurrency would take ' +
        'capacity from the account pool (and fail in accounts with a low limit) for no gain',
      'NIST.800.53.R5-LambdaDLQ':
        'Secrets Manager invokes rotation synchronously and retries itself; a dead-letter queue only applies to asynchronous invocations',
    });
    const outsideVpc =
      'the function calls only the Secrets Manager API; give SecretRotation.generatedApiKey({ vpc }) to place it in a VPC ' +
      '(with an interface endpoint) where the account requires it';
    if (props.vpc === undefined) {
      acknowledgeFindings(this, { 'NIST.800.53.R5-LambdaInsideVPC': outsideVpc });
      acknowledgeControlTowerFindings(this, { lambda_inside_vpc_check: outsideVpc });
    } else {
      acknowledgeFindings(this.role, {
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]':
          'aws-cdk-lib attaches the AWS managed VPC access policy (network interfaces only) to a function placed in a VPC',
      });
    }
    this.node.defaultChild = this.function.node.defaultChild;
  }
}

/**
 * Exactly what the four rotation steps need on one secret, and the key only through Secrets
 * Manager for that secret. No `GetRandomPassword`: keys come from `crypto.randomBytes`; a custom
 * function that needs it can be granted it separately.
 */
export function rotationStatements(secret: secretsmanager.ISecret, key: kms.IKey): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ actions: [...ROTATION_SECRET_ACTIONS], resources: [secret.secretArn] }),
    new iam.PolicyStatement({
      actions: [...ROTATION_KMS_ACTIONS],
      resources: [key.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': `secretsmanager.${Stack.of(secret).region}.amazonaws.com`,
          'kms:EncryptionContext:SecretARN': secret.secretArn,
        },
      },
    }),
  ];
}

/** Grants a rotation principal the statements of `rotationStatements`. */
export function grantRotation(
  grantee: iam.IGrantable,
  secret: secretsmanager.ISecret,
  key: kms.IKey,
): iam.Grant {
  const [onSecret, onKey] = rotationStatements(secret, key).map((statement) =>
    iam.Grant.addToPrincipal({
      grantee,
      actions: statement.actions,
      resourceArns: statement.resources,
      conditions: statement.conditions,
    }),
  );
  return onSecret.combine(onKey);
}

/**
 * The handler folder. Compiled code runs from dist/lib/secrets while the plain-JS handler ships
 * in lib/secrets/handlers, so look next to this file first, then in the package's lib/.
 */
function handlerDirectory(): string {
  const candidates = [
    path.join(__dirname, HANDLER_DIR),
    path.join(__dirname, '..', '..', '..', 'lib', 'secrets', HANDLER_DIR),
  ];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.js'))) ?? candidates[0];
}
