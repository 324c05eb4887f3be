/**
 * The IAM actions the access review calls, in the order it calls them. The caller's identity needs
 * all of them; the AWS managed policy `IAMAccessAdvisorReadOnly` grants the first four (and more),
 * `IAMReadOnlyAccess` all of them. The last five read an agent's policies to list the AgentCore
 * credential providers it can reach (without them that list is left out).
 */
export const REVIEW_REQUIRED_ACTIONS: readonly string[] = [
  'iam:ListRoles',
  'iam:GetRole',
  'iam:GenerateServiceLastAccessedDetails',
  'iam:GetServiceLastAccessedDetails',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
];

/** Exit codes of `agent-identity review`. */
export class ReviewExitCode {
  /** The review ran; the report is on stdout (stale agents and incomplete jobs are in the report). */
  public static readonly OK = 0;
  /** An unexpected AWS or runtime error stopped the review. */
  public static readonly FAILED = 1;
  /** The caller lacks an IAM permission, or has no valid AWS credentials. */
  public static readonly ACCESS_DENIED = 2;
  /** The command line was invalid (EX_USAGE). */
  public static readonly USAGE = 64;

  private constructor() {}
}

/**
 * Thrown when IAM denies a call the review needs (or no credentials are available). Its message names
 * the denied action and every action the review needs, so the operator can fix the policy in one go.
 */
export class MissingPermissionsError extends Error {
  /** The IAM action that was denied, e.g. `iam:GetRole`; undefined when credentials are missing. */
  public readonly action?: string;

  constructor(message: string, action?: string) {
    super(message);
    this.name = 'MissingPermissionsError';
    this.action = action;
  }
}

const ACCESS_DENIED_CODES = new Set(['AccessDenied', 'AccessDeniedException']);

const CREDENTIAL_CODES = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
]);

/**
 * Error codes that mean "slow down". IAM itself answers `Throttling`; the others are what other
 * AWS front ends and proxies answer, taken from the SDK's own classification
 * (`@smithy/core` retry `THROTTLING_ERROR_CODES`). `LimitExceeded` is not here: in IAM it means a
 * quota (too many roles, policies), which retrying cannot fix.
 */
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
]);

/** True when IAM (or STS credentials) refused the call for lack of permission. */
export function isAccessDenied(error: unknown): boolean {
  const e = error as SdkErrorLike | undefined;
  return !!e && (ACCESS_DENIED_CODES.has(e.name ?? '') || ACCESS_DENIED_CODES.has(e.Code ?? ''));
}

/** True when the caller has no usable AWS credentials (missing, expired or invalid). */
export function isCredentialsProblem(error: unknown): boolean {
  const e = error as SdkErrorLike | undefined;
  return !!e && (CREDENTIAL_CODES.has(e.name ?? '') || CREDENTIAL_CODES.has(e.Code ?? ''));
}

/** True when the call was throttled and is worth retrying after a pause. */
export function isThrottling(error: unknown): boolean {
  const e = error as SdkErrorLike | undefined;
  if (!e) return false;
  return (
    THROTTLING_CODES.has(e.name ?? '') ||
    THROTTLING_CODES.has(e.Code ?? '') ||
    e.$retryable?.throttling === true ||
    e.$metadata?.httpStatusCode === 429
  );
}

/** True when IAM says the entity does not exist (e.g. a role deleted while the review ran). */
export function isNoSuchEntity(error: unknown): boolean {
  const e = error as SdkErrorLike | undefined;
  return !!e && (e.name === 'NoSuchEntity' || e.name === 'NoSuchEntityException');
}

/** The error's message, without a stack. */
export function errorMessage(error: unknown): string {
  // duck-typed: errors from another realm (node:vm, jest) are not `instanceof Error`
  const e = error as { message?: unknown; name?: unknown } | undefined;
  if (e && typeof e === 'object' && typeof e.message === 'string') return e.message || String(e.name);
  return String(error);
}

/** Builds the message shown when a call was denied: which action, on what, and what to grant. */
export function missingPermissions(error: unknown, action: string, target: string): MissingPermissionsError {
  if (isCredentialsProblem(error)) {
    return new MissingPermissionsError(
      `no valid AWS credentials (${errorMessage(error)}); set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY ` +
        `for an identity allowed ${REVIEW_REQUIRED_ACTIONS.join(', ')}`,
    );
  }
  return new MissingPermissionsError(
    `access denied calling ${action} on ${target}: ${errorMessage(error)}\n` +
      `the access review needs these IAM actions: ${REVIEW_REQUIRED_ACTIONS.join(', ')} ` +
      `(iam:ListRoles and iam:GetServiceLastAccessedDetails on "*", the other two on the agent roles); ` +
      `the AWS managed policy IAMAccessAdvisorReadOnly grants all four`,
    action,
  );
}

interface SdkErrorLike {
  readonly name?: string;
  readonly Code?: string;
  readonly $retryable?: { readonly throttling?: boolean };
  readonly $metadata?: { readonly httpStatusCode?: number };
}
