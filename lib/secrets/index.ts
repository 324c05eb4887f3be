export { AgentSecret } from './agent-secret';
export type { AgentSecretProps } from './agent-secret';
export { SecretRotation } from './secret-rotation';
export type {
  GeneratedApiKeyRotationOptions,
  RotationScheduleOptions,
  SecretRotationBindOptions,
  SecretRotationConfig,
} from './secret-rotation';
export { ApiKeyRotationFunction } from './api-key-rotation-function';
export type { ApiKeyRotationFunctionProps } from './api-key-rotation-function';
