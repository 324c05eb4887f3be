export { AgentRevocation } from './agent-revocation';
export {
  AgentOrganizationGuardRails,
  AgentOrganizationPolicies,
  OrganizationModelGuardrail,
} from './agent-organization-policies';
export type {
  AgentOrganizationGuardRailsProps,
  AgentOrganizationPoliciesProps,
} from './agent-organization-policies';
export { AgentAnomalyAlarms, AgentAnomalyDetection, AnomalyMetrics } from './agent-anomaly-detection';
export type {
  AgentAnomalyDetectionOptions,
  IAnomalyDetectionHost,
  IAgentContainment,
} from './agent-anomaly-detection';
export { AgentContainment } from './agent-containment';
export type { AgentContainmentProps } from './agent-containment';
