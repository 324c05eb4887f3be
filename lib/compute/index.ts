export { AgentCompute } from './agent-compute';
export type {
  AgentEksPodIdentityOptions,
  AgentLambdaBinding,
  AgentLambdaBindingOptions,
} from './agent-compute';
export type { AgentCoreRuntimeBindingOptions } from './agentcore-runtime-binding-options';
