export * from './agent-tool-policy';
export * from './gateway-tool';
export * from './tool-caller';
export * from './tool-condition';
