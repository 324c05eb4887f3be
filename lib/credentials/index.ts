export { AgentWorkloadIdentity } from './agent-workload-identity';
export type {
  AgentWorkloadIdentityOptions,
  CreateAgentWorkloadIdentityOptions,
} from './agent-workload-identity';
export { CredentialProvider, OAuth2Flow } from './credential-provider';
export type { OAuth2CredentialProviderOptions } from './credential-provider';
export { InboundJwtAuthorizer } from './inbound-jwt-authorizer';
export type { InboundJwtAuthorizerProps } from './inbound-jwt-authorizer';
export { UserDelegation } from './user-delegation';
export type { InboundJwtDelegationOptions, UserIdDelegationOptions } from './user-delegation';
