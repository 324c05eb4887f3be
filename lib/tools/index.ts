export { AgentToolPolicy } from './agent-tool-policy';
export type { ToolForbidOptions, ToolGrantOptions } from './agent-tool-policy';
export { GatewayTool } from './gateway-tool';
export type { GatewayToolOptions } from './gateway-tool';
export { GatewayCallerAuth, ToolCaller } from './tool-caller';
export type { RenderedCaller } from './tool-caller';
export { ToolCondition } from './tool-condition';
