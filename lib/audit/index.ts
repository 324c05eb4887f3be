export * from './agent-audit-trail';
export * from './audit-object-lock-mode';
