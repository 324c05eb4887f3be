export { AgentBoundary } from './agent-boundary';
export type {
  AgentCredentialGrantOptions,
  AgentEntitlement,
  AgentModelGrantOptions,
  AgentWorkloadIdentityBinding,
  AuditedResource,
  IAgentAuditTrail,
  IAgentCredentialProvider,
  IAgentDataStore,
  IAgentGuardrail,
  IAgentIdentity,
  IAgentModel,
  IAgentWorkloadIdentity,
  IDataAccess,
} from './agent-capabilities';
export { AgentGrantSharing } from './agent-grant-sharing';
export { AgentIdentity } from './agent-identity';
export type { AgentIdentityProps } from './agent-identity';
export { AgentRuntime } from './agent-runtime';
export type {
  AccountRuntimeOptions,
  AgentRuntimeConfig,
  DelegationOptions,
  EksPodIdentityOptions,
  GitHubActionsOptions,
} from './agent-runtime';
export { DataClassification } from './data-classification';
export { DataClassificationLadder } from './data-classification-ladder';
export { PermissionsGuardrails } from './permissions-guardrails';
export type { WebIdentityTokenOptions } from './web-identity-token';
