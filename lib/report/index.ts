export { AgentEntitlementReport } from './agent-entitlement-report';
export type { AgentEntitlementReportProps } from './agent-entitlement-report';
export { EntitlementReport } from './entitlement-report';
export type { NestedStackParent, StackTemplate } from './build-entitlement-report';
export type { AcknowledgedFinding } from './entitlement-report-schema';
export { ChangeKind } from './diff-entitlement-reports';
export type { EntitlementChange, EntitlementDiff } from './diff-entitlement-reports';
export { SynthSummary } from './synth-summary';
export type { SynthSummaryProps } from './synth-summary';
