export * from './agent-fleet';
export * from './fleet-manifest';
