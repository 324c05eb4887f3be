import type { GatewayCallerAuth } from '../tool-caller';
import type { ToolInputSchema } from './tool-input-schema';

/** One tool as the Cedar schema declares it. */
export interface SchemaTool {
  /** `<target>___<tool>`. */
  readonly actionId: string;
  /** Its input schema; undefined when not known (the input is then an empty record). */
  readonly input: ToolInputSchema | undefined;
}

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The Cedar schema (JSON form) AgentCore Policy validates a gateway's policies against, built
 * from the tools we know: namespace `AgentCore`; principal `OAuthUser` (id from `sub`, JWT
 * claims as string tags) on JWT-authorized gateways or `IamEntity` (id = caller ARN, no tags) on
 * IAM-authorized ones; resource `Gateway`; one action per tool, member of `CallTool` (itself of
 * `Mcp`), whose context is `{ input: <the tool's input schema> }`.
 */
export function gatewaySchema(auth: GatewayCallerAuth, tools: SchemaTool[]): any {
  const principal = auth === 'jwt' ? 'OAuthUser' : 'IamEntity';
  const actions: Record<string, any> = { Mcp: {}, CallTool: { memberOf: [{ id: 'Mcp' }] } };
  for (const tool of tools) {
    actions[tool.actionId] = {
      memberOf: [{ id: 'CallTool' }],
      appliesTo: {
        principalTypes: [principal],
        resourceTypes: ['Gateway'],
        context: { type: 'Record', attributes: { input: recordOf(tool.input) } },
      },
    };
  }
  return {
    AgentCore: {
      entityTypes: {
        OAuthUser: {
          shape: { type: 'Record', attributes: { id: { type: 'String' } } },
          tags: { type: 'String' },
        },
        IamEntity: { shape: { type: 'Record', attributes: { id: { type: 'String' } } } },
        Gateway: {},
      },
      actions,
    },
  };
}

/** Input names a tool declares, with whether each is required; undefined when unknown. */
export function inputFields(input: ToolInputSchema | undefined): Map<string, boolean> | undefined {
  if (!input) return undefined;
  const required = new Set(input.required ?? []);
  return new Map(Object.keys(input.properties ?? {}).map((name) => [name, required.has(name)]));
}

function recordOf(input: ToolInputSchema | undefined): any {
  const required = new Set(input?.required ?? []);
  const attributes: Record<string, any> = {};
  for (const [name, prop] of Object.entries(input?.properties ?? {})) {
    const type = typeOf(prop);
    if (type) attributes[name] = { ...type, required: required.has(name) };
  }
  return { type: 'Record', attributes };
}

/** JSON schema type → Cedar type, as AgentCore maps them (string, integer, boolean, number). */
function typeOf(schema: ToolInputSchema): any {
  switch (schema.type) {
    case 'string':
      return { type: 'String' };
    case 'integer':
      return { type: 'Long' };
    case 'boolean':
      return { type: 'Boolean' };
    case 'number':
      return { type: 'Extension', name: 'decimal' };
    case 'object':
      return recordOf(schema);
    case 'array': {
      const element = schema.items ? typeOf(schema.items) : undefined;
      return element ? { type: 'Set', element } : undefined;
    }
    default:
      return undefined;
  }
}
