import { Stack } from 'aws-cdk-lib';

/**
 * The one place where the examples acknowledge cdk-nag findings that constructs of the library
 * itself raise, with reasons starting `tracked:` (each one reported to the library's maintainers
 * until the library acknowledges or fixes it). An example never acknowledges findings on its own
 * resources here; see each app.ts for those. Call it last in `buildApp`, once every grant is made.
 *
 * Nothing is tracked right now: the boundary ceiling, the agents' inline policies, S3 object
 * grants, SupportAccess and the generated-key rotation function are acknowledged by the library
 * (lib/shared/nag-acknowledgements.ts), and TenantAbac accepts KMS statements bound by
 * `kms:ViaService`. Add an acknowledgement here only for a new library finding, and report it.
 */
export function trackLibraryFindings(_stack: Stack): void {}

/** A finding of the AWS Control Tower proactive controls on a library resource, tracked until fixed. */
export interface TrackedControlTowerFinding {
  /** The cfn-guard rule. */
  readonly rule: string;
  /** Construct paths (below the stack) of the library resources it is raised on. */
  readonly path: RegExp;
  /** Why it is raised, as reported to the library's maintainers. */
  readonly reason: string;
}

/**
 * Control Tower (cfn-guard) findings on resources the library creates. cfn-guard has no
 * acknowledgement mechanism, so the examples' tests allow exactly these; remove an entry when
 * the library fixes it (the tests then prove it stays fixed).
 */
export const TRACKED_CONTROL_TOWER_FINDINGS: readonly TrackedControlTowerFinding[] = [
  {
    rule: 'iam_managed_policy_no_statements_with_full_access_check',
    path: /^AgentBoundary\/Boundary\/Resource$/,
    reason:
      'tracked: the AgentBoundary ceiling names the services agents use as service:* (minus the guard rails); a boundary grants nothing',
  },
  ...[
    's3_bucket_default_encryption_kms_check',
    's3_bucket_logging_enabled_check',
    's3_bucket_object_lock_enabled_check',
  ].map((rule) => ({
    rule,
    path: /^[^/]+\/AccessLogs\/Resource$/,
    reason:
      'tracked: the AgentAuditTrail server-access-log bucket is SSE-S3, unlogged and without Object Lock',
  })),
  ...['cloudwatch_log_group_encrypted_check', 'lambda_inside_vpc_check'].map((rule) => ({
    rule,
    path: /\/Rotation\/(LogGroup|Resource)\/Resource$/,
    reason:
      'tracked: the generated-key rotation function logs to an SSE (not KMS) log group and runs outside a VPC',
  })),
  ...['cloudwatch_log_group_encrypted_check', 'lambda_inside_vpc_check'].map((rule) => ({
    rule,
    path: /(^|\/)Containment\/(LogGroup|Resource)\/Resource$/,
    reason:
      'tracked: the AgentContainment function logs role and alarm names only to an SSE (not KMS) log group and calls only the IAM API from outside a VPC',
  })),
  {
    rule: 'lambda_inside_vpc_check',
    path: /^AWS679f53fac002430cb0da5b7982bd2287\/Resource$/,
    reason:
      'tracked: the AwsCustomResource provider behind ModelInvocationLogging runs only at deploy time and calls only the Bedrock API; VPC placement is the deploying account’s choice',
  },
  ...['s3_bucket_logging_enabled_check', 's3_bucket_object_lock_enabled_check'].map((rule) => ({
    rule,
    path: /^InvocationLogging\/Bucket\/Resource$/,
    reason:
      'tracked: the ModelInvocationLogging bucket has no server access logs (a target bucket is the account’s choice) and no Object Lock (not verified that Bedrock log delivery writes into a locked bucket)',
  })),
];
