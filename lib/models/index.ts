export { AgentCoreTarget } from './agent-core-target';
export type { AgentCoreRuntimeTargetOptions } from './agent-core-target';
export { BedrockAgentAlias } from './bedrock-agent-alias';
export { BedrockKnowledgeBase } from './bedrock-knowledge-base';
export type { RetrieveAndGenerateGrantOptions } from './bedrock-knowledge-base';
export { BedrockModel, BedrockModelKind } from './bedrock-model';
export type {
  ApplicationInferenceProfileOptions,
  FoundationModelOptions,
  InferenceProfileOptions,
} from './bedrock-model';
export { GuardrailPin } from './guardrail-pin';
export { InferenceProfileRegions } from './inference-profile-regions';
export { ModelInvocationLogging } from './model-invocation-logging';
export type { ModelInvocationLoggingProps } from './model-invocation-logging';
