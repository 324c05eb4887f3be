export * from './agent-core-target';
export * from './bedrock-agent-alias';
export * from './bedrock-knowledge-base';
export * from './bedrock-model';
export * from './guardrail-pin';
export * from './inference-profile-regions';
export * from './model-invocation-logging';
