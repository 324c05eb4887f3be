import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Key policy statement: only AWS services may be given grants on the key (a grant hands key use
 * to its holder past the key policy). Evidences AWS Control Tower control CT.KMS.PR.3.
 */
export function denyGrantsExceptForAwsServices(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
    },
  });
}

/**
 * What CloudWatch Logs needs on the key of a log group it encrypts (the expansion of the documented
 * `kms:Encrypt*`, `kms:Decrypt*`, `kms:ReEncrypt*`, `kms:GenerateDataKey*`, `kms:Describe*`,
 * without the data-key-pair actions CloudWatch Logs does not call).
 */
export const CLOUDWATCH_LOGS_KEY_ACTIONS: readonly string[] = Object.freeze([
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
]);

/** Options of `cloudWatchLogsKeyStatement`. */
export interface CloudWatchLogsKeyStatementOptions {
  /** Statement id. */
  readonly sid: string;
  /** Region of the CloudWatch Logs service principal (`logs.<region>.amazonaws.com`). */
  readonly region: string;
  /** ARN of the one log group the key may encrypt (`kms:EncryptionContext:aws:logs:arn`). */
  readonly logGroupArn: string;
  /** @default CLOUDWATCH_LOGS_KEY_ACTIONS */
  readonly actions?: readonly string[];
}

/**
 * Key policy statement: CloudWatch Logs of this region may use the key, for exactly one log group.
 */
export function cloudWatchLogsKeyStatement(options: CloudWatchLogsKeyStatementOptions): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: options.sid,
    principals: [new iam.ServicePrincipal(`logs.${options.region}.amazonaws.com`)],
    actions: [...(options.actions ?? CLOUDWATCH_LOGS_KEY_ACTIONS)],
    resources: ['*'],
    conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': options.logGroupArn } },
  });
}
