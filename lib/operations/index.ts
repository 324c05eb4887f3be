export { AgentRevocation } from './agent-revocation';
export { AgentOrganizationGuardRails, OrganizationModelGuardrail } from './agent-organization-guard-rails';
export type { AgentOrganizationGuardRailsProps } from './agent-organization-guard-rails';
