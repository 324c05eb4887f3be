export * from './agent-secret';
export * from './secret-rotation';
export { ApiKeyRotationFunction } from './api-key-rotation-function';
export type { ApiKeyRotationFunctionProps } from './api-key-rotation-function';
