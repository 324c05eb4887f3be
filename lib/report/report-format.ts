/**
 * The entitlement report for TypeScript, typed: the file-format types of `agent-entitlements.json`
 * (with `null` where the file writes `null`) and the functions that work on them.
 *
 *     import { EntitlementReportJson, readEntitlementReport } from 'cdk-agent-identity/dist/lib/report/report-format';
 *
 * This module is not reachable from the package's entry point and so is not part of the jsii API:
 * in every language, `EntitlementReport` (with `toJson()`) is the same report. Each function here is
 * what the matching `EntitlementReport` static does, returning the typed data instead of the class.
 * Errors about unusable files are `EntitlementReportError`; about fleet manifests, see
 * `lib/fleet/manifest-format.ts`.
 */
export {
  ENTITLEMENT_REPORT_GENERATOR,
  ENTITLEMENT_REPORT_SCHEMA_VERSION,
  READABLE_ENTITLEMENT_REPORT_SCHEMA_VERSIONS,
  AccessLevel,
} from './entitlement-report-schema';
export type {
  AcknowledgedFinding,
  AgentEntitlementRecord,
  AuditCoverage,
  BoundaryEntitlement,
  ConditionMap,
  CredentialEntitlements,
  CredentialProviderEntitlement,
  DataStoreEntitlement,
  DenyEntitlement,
  EntitlementReportJson,
  GuardrailPinEntitlement,
  InboundAuthorizerEntitlement,
  ManagedPolicyAttachment,
  ModelEntitlement,
  ResourcePolicyGrant,
  ScopedGrant,
  SecretEntitlement,
  SecretRotationInfo,
  ToolEntitlement,
  TrustGrant,
  UnattributedPolicy,
  UserDelegationEntitlement,
  WebIdentityTokenEntitlement,
  WorkloadIdentityEntitlement,
} from './entitlement-report-schema';
export { buildEntitlementReport } from './build-entitlement-report';
export type { StackTemplate } from './build-entitlement-report';
export { collectAcknowledgements } from './collect-acknowledgements';
export { ChangeKind, diffEntitlementReports } from './diff-entitlement-reports';
export type { EntitlementChange, EntitlementDiff } from './diff-entitlement-reports';
export {
  EntitlementReportError,
  formatEntitlementDiff,
  parseEntitlementReport,
  readEntitlementReport,
} from './entitlement-report-file';
export { renderEntitlementMarkdown } from './render-entitlement-markdown';
