export * from './agent-boundary';
export * from './agent-capabilities';
export * from './agent-identity';
export * from './agent-runtime';
export * from './data-classification';
export * from './guard-rails';
export * from './agent-access-policy';
export * from './agent-grant-sharing';
export type { WebIdentityTokenOptions } from './web-identity-token';
