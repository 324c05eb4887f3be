import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { failAt, show } from '../shared/errors';
import { ApiKeyRotationFunction, grantRotation } from './api-key-rotation-function';

/** When a secret rotates. */
export interface RotationScheduleOptions {
  /**
   * Time between rotations: whole hours from 4 to 23, or whole days from 1 to 1000 (Secrets
   * Manager's limits). Above 90 days needs `everyReason`.
   * @default Duration.days(30)
   */
  readonly every?: Duration;
  /**
   * Why this secret may rotate less often than every 90 days; required above 90 days and shown
   * as a warning on the secret.
   * @default - none; `every` above 90 days is an error
   */
  readonly everyReason?: string;
}

/** Options for `SecretRotation.generatedApiKey`. */
export interface GeneratedApiKeyRotationOptions extends RotationScheduleOptions {
  /**
   * Length of the key in base64url characters (6 bits of entropy each), 32-4096.
   * @default 64
   */
  readonly length?: number;
  /**
   * VPC to run the rotation function in (it needs a route to the Secrets Manager API, e.g. an
   * interface endpoint or a NAT gateway).
   * @default - outside a VPC; the AWS Control Tower finding lambda_inside_vpc_check is acknowledged with the reason
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` for the rotation function.
   * @default - the private subnets of `vpc`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** What `AgentSecret` hands a rotation when binding it. */
export interface SecretRotationBindOptions {
  /** The secret to rotate. */
  readonly secret: secretsmanager.ISecret;
  /** The key that encrypts the secret. */
  readonly encryptionKey: kms.IKey;
}

/** What a bound rotation tells `AgentSecret`. */
export interface SecretRotationConfig {
  /** The kind of rotation, e.g. `generated-api-key`. */
  readonly kind: string;
  /** The Secrets Manager schedule expression, e.g. `rate(30 days)`. */
  readonly scheduleExpression: string;
  /**
   * ARN of the role the rotation function runs as; the secret's resource policy lets it read.
   * @default - unknown (hosted rotation): the resource policy then denies other agents only
   */
  readonly rotationRoleArn?: string;
  /**
   * The rotation function.
   * @default - none (hosted rotation)
   */
  readonly rotationFunction?: lambda.IFunction;
  /**
   * The role the rotation function runs as, when it is known.
   * @default - none (hosted rotation)
   */
  readonly rotationRole?: iam.IRole;
}

const ROTATION_ID = 'Rotation';
const SCHEDULE_ID = 'RotationSchedule';
const MIN_EVERY = Duration.hours(4);
const MAX_EVERY = Duration.days(1000);
const REASON_ABOVE = Duration.days(90);
const DEFAULT_EVERY = Duration.days(30);
const DEFAULT_LENGTH = 64;
const MIN_LENGTH = 32;
const MAX_LENGTH = 4096;
const HOUR_MS = Duration.hours(1).toMilliseconds();
const DAY_MS = Duration.days(1).toMilliseconds();

/**
 * How an `AgentSecret` is rotated: a generated API key rotated by the Lambda function shipped in
 * this package, your own rotation function for provider keys, or Secrets Manager hosted rotation.
 */
export class SecretRotation {
  /**
   * A random key generated and rotated by the function shipped in this package, for keys that
   * services inside the account validate against Secrets Manager (agent-to-service keys).
   */
  public static generatedApiKey(options: GeneratedApiKeyRotationOptions = {}): SecretRotation {
    return new SecretRotation('generated-api-key', options, options.length ?? DEFAULT_LENGTH);
  }

  /**
   * Your own rotation function, e.g. for an LLM provider or SaaS key that must be rotated at the
   * provider. See lib/secrets/README.md for the contract the function must follow. It gets the
   * rotation permissions on this secret only and an invoke permission scoped to this secret.
   */
  public static lambdaFunction(fn: lambda.IFunction, options: RotationScheduleOptions = {}): SecretRotation {
    return new SecretRotation('lambda', options, undefined, fn);
  }

  /**
   * The former name of `lambdaFunction(fn, options)` (TypeScript only: `lambda` is a Python keyword).
   * @deprecated use `SecretRotation.lambdaFunction(fn, options)`
   * @jsii ignore
   */
  public static lambda(fn: lambda.IFunction, options: RotationScheduleOptions = {}): SecretRotation {
    return SecretRotation.lambdaFunction(fn, options);
  }

  /** Secrets Manager hosted rotation (database credentials), passed through. */
  public static hosted(
    hostedRotation: secretsmanager.HostedRotation,
    options: RotationScheduleOptions = {},
  ): SecretRotation {
    return new SecretRotation('hosted', options, undefined, undefined, hostedRotation);
  }

  private constructor(
    /** The kind of rotation, e.g. `generated-api-key`. */
    public readonly kind: string,
    private readonly options: RotationScheduleOptions,
    private readonly length?: number,
    private readonly fn?: lambda.IFunction,
    private readonly hostedRotation?: secretsmanager.HostedRotation,
  ) {}

  /**
   * How the first value of the secret is generated.
   * @default - an alphanumeric value of the key length (generated API key) or 32 characters
   */
  public initialValue(): secretsmanager.SecretStringGenerator {
    return {
      passwordLength: this.length ?? 32,
      excludePunctuation: true,
      includeSpace: false,
      requireEachIncludedType: false,
    };
  }

  /** Creates the rotation for `options.secret` under `scope`. Called once by `AgentSecret`. */
  public bind(scope: Construct, options: SecretRotationBindOptions): SecretRotationConfig {
    const scheduleExpression = scheduleFor(scope, this.options);
    if (this.hostedRotation) {
      new secretsmanager.RotationSchedule(scope, SCHEDULE_ID, {
        secret: options.secret,
        hostedRotation: this.hostedRotation,
        automaticallyAfter: this.options.every ?? DEFAULT_EVERY,
      });
      return { kind: this.kind, scheduleExpression };
    }

    let fn: lambda.IFunction;
    let role: iam.IRole;
    let ready: Construct;
    if (this.fn) {
      fn = this.fn;
      if (!fn.role) {
        failAt(
          scope,
          `rotation function ${show(fn.node.path)} has no known role; import it with lambda.Function.fromFunctionAttributes({ role, ... }) so its rotation permissions can be granted`,
        );
      }
      role = fn.role;
      ready = role;
      grantRotation(fn, options.secret, options.encryptionKey);
    } else {
      const length = validateLength(scope, this.length ?? DEFAULT_LENGTH);
      const rotation = new ApiKeyRotationFunction(scope, ROTATION_ID, {
        secret: options.secret,
        encryptionKey: options.encryptionKey,
        keyLength: length,
        vpc: (this.options as GeneratedApiKeyRotationOptions).vpc,
        vpcSubnets: (this.options as GeneratedApiKeyRotationOptions).vpcSubnets,
      });
      fn = rotation.function;
      role = rotation.role;
      ready = rotation;
    }

    const permission = new lambda.CfnPermission(scope, 'RotationInvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: fn.functionArn,
      principal: 'secretsmanager.amazonaws.com',
      sourceArn: options.secret.secretArn,
      sourceAccount: Stack.of(scope).account,
    });
    const schedule = new secretsmanager.CfnRotationSchedule(scope, SCHEDULE_ID, {
      secretId: options.secret.secretArn,
      rotationLambdaArn: fn.functionArn,
      rotationRules: { scheduleExpression },
    });
    schedule.node.addDependency(permission);
    schedule.node.addDependency(ready);
    return {
      kind: this.kind,
      scheduleExpression,
      rotationRoleArn: role.roleArn,
      rotationFunction: fn,
      rotationRole: role,
    };
  }
}

/** Validates `every` and renders it as a Secrets Manager rate expression. */
function scheduleFor(scope: Construct, options: RotationScheduleOptions): string {
  const every = options.every ?? DEFAULT_EVERY;
  if (every.isUnresolved()) {
    failAt(
      scope,
      'rotation every must be a literal duration, e.g. Duration.days(30); a token cannot be checked against the limits',
    );
  }
  const ms = every.toMilliseconds();
  if (ms < MIN_EVERY.toMilliseconds() || ms > MAX_EVERY.toMilliseconds()) {
    failAt(
      scope,
      `rotation every ${every.toHumanString()} is outside 4 hours to 1000 days, the range Secrets Manager accepts; choose e.g. Duration.days(30)`,
    );
  }
  if (ms % HOUR_MS !== 0) {
    failAt(
      scope,
      `rotation every ${every.toHumanString()} is not a whole number of hours; use Duration.hours(n) or Duration.days(n)`,
    );
  }
  if (ms >= DAY_MS && ms % DAY_MS !== 0) {
    failAt(
      scope,
      `rotation every ${every.toHumanString()} is longer than a day but not a whole number of days; Secrets Manager rotation windows cannot span UTC days, use Duration.days(n)`,
    );
  }
  if (ms > REASON_ABOVE.toMilliseconds()) {
    const reason = options.everyReason;
    if (reason === undefined || reason.trim().length < 10) {
      failAt(
        scope,
        `rotation every ${every.toHumanString()} is above 90 days; lower it or give everyReason, a sentence on why this key may live that long (got ${show(reason)})`,
      );
    }
    Annotations.of(scope).addWarningV2(
      'cdk-agent-identity:slow-rotation',
      `secret rotates only every ${every.toHumanString()}: ${reason}`,
    );
  }
  if (ms < DAY_MS) return `rate(${ms / HOUR_MS} hours)`;
  const days = ms / DAY_MS;
  return days === 1 ? 'rate(1 day)' : `rate(${days} days)`;
}

function validateLength(scope: Construct, length: number): number {
  if (!Number.isInteger(length) || length < MIN_LENGTH || length > MAX_LENGTH) {
    failAt(
      scope,
      `generatedApiKey length ${show(length)} must be a whole number from ${MIN_LENGTH} to ${MAX_LENGTH} characters; the default 64 gives 384 bits`,
    );
  }
  return length;
}
