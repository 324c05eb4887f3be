export * from './agent-compute';
export type { AgentCoreRuntimeBindingOptions } from './agentcore-runtime-binding-options';
