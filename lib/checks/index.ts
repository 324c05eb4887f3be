export { AgentIdentityChecks } from './agent-identity-checks';
export type { AgentIdentityChecksProps, AgentIdentityRuleInfo } from './agent-identity-checks';
