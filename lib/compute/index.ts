export * from './agent-compute';
