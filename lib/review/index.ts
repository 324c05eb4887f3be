/**
 * The live access review behind `agent-identity review`. It calls AWS IAM through
 * `@aws-sdk/client-iam`, which the construct library does not depend on, so this folder is not
 * reachable from the package's entry point (nor part of the jsii API): it is the CLI's, for
 * TypeScript, loaded only by the `review` command.
 */
export { AccessAdvisorStatus, ACCESS_REVIEW_SCHEMA_VERSION, reviewAgentRoles } from './access-review';
export type {
  AccessAdvisorResult,
  AccessReviewOptions,
  AccessReviewReport,
  AccessReviewSummary,
  AgentRoleReview,
  ServiceUse,
} from './access-review';
export { REVIEW_SDK_MAX_ATTEMPTS, REVIEW_USAGE, runReviewCli } from './review-cli';
export type { ReviewClientSettings, ReviewCliDependencies } from './review-cli';
export { MissingPermissionsError, REVIEW_REQUIRED_ACTIONS, ReviewExitCode } from './review-errors';
export { ReviewFormat, formatReview } from './review-format';
