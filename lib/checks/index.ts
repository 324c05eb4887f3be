export * from './agent-identity-checks';
