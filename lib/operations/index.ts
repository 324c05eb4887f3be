export { AgentRevocation } from './agent-revocation';
export { AgentOrganizationGuardRails, OrganizationModelGuardrail } from './agent-organization-guard-rails';
export type { AgentOrganizationGuardRailsProps } from './agent-organization-guard-rails';
export { AgentAnomalyAlarms, AgentAnomalyDetection, AnomalyMetrics } from './agent-anomaly-detection';
export type {
  AgentAnomalyDetectionOptions,
  IAnomalyDetectionHost,
  IAgentContainment,
} from './agent-anomaly-detection';
export { AgentContainment } from './agent-containment';
export type { AgentContainmentProps } from './agent-containment';
