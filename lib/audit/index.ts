export { AgentAuditTrail } from './agent-audit-trail';
export type { AgentAuditTrailProps } from './agent-audit-trail';
export { AuditObjectLockMode } from './audit-object-lock-mode';
