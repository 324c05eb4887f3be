export * from './entitlement-report-schema';
export { AgentEntitlementReport, collectAcknowledgements } from './agent-entitlement-report';
export type { AgentEntitlementReportProps } from './agent-entitlement-report';
export { buildEntitlementReport } from './build-entitlement-report';
export type { NestedStackParent, StackTemplate } from './build-entitlement-report';
export { ChangeKind, diffEntitlementReports } from './diff-entitlement-reports';
export type { EntitlementChange, EntitlementDiff } from './diff-entitlement-reports';
export {
  EntitlementReportError,
  formatEntitlementDiff,
  parseEntitlementReport,
  readEntitlementReport,
} from './entitlement-report-file';
export { renderEntitlementMarkdown } from './render-entitlement-markdown';
export { SynthSummary } from './synth-summary';
export type { SynthSummaryProps } from './synth-summary';
