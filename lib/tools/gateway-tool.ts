import { Stack, Token } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import type { ToolInputSchema } from './private/tool-input-schema';

/** Options of `GatewayTool.of`. */
export interface GatewayToolOptions {
  /**
   * The tool's input schema, for a target whose tools are not declared inline (an OpenAPI,
   * Smithy or MCP server target, or a tool schema in S3 or a local asset). Conditions on the
   * tool's input are checked against it, and the Cedar schema the policies are validated
   * against is built from it.
   * @default - read from the target's inline tool schema; a tool of any other target has no
   *   known input, and a condition on its input is a synth-time error
   */
  readonly inputSchema?: agentcore.SchemaDefinition;
}

/**
 * One tool of an AgentCore Gateway target: the unit a tool policy grants. AgentCore Policy
 * names it as the Cedar action `AgentCore::Action::"<target name>___<tool name>"`.
 *
 * @example
 * const updateRecord = GatewayTool.of(crmTarget, 'updateRecord');
 */
export class GatewayTool {
  /** The tool `toolName` of `target`. */
  public static of(
    target: agentcore.GatewayTarget,
    toolName: string,
    options: GatewayToolOptions = {},
  ): GatewayTool {
    if (typeof toolName !== 'string' || !TOOL_NAME.test(toolName)) {
      throw new Error(
        `${target.node.path}: tool name ${JSON.stringify(toolName)} must be letters, digits, _ and - as the target's tool schema names it, e.g. 'updateRecord'`,
      );
    }
    return new GatewayTool(
      target,
      toolName,
      options.inputSchema ? fromDefinition(options.inputSchema) : undefined,
    );
  }

  private constructor(
    /** The gateway target that serves the tool. */
    public readonly target: agentcore.GatewayTarget,
    /** The tool's name within its target. */
    public readonly toolName: string,
    private readonly declaredInput: ToolInputSchema | undefined,
  ) {}

  /** The gateway the tool is served by. */
  public get gateway(): agentcore.IGateway {
    return this.target.gateway;
  }

  /**
   * The Cedar action id, `<target name>___<tool name>`, resolved (the target name is generated
   * at synth when not given). Throws when the target's name is not known at synth.
   */
  public actionId(): string {
    const name = Stack.of(this.target).resolve(this.target.gatewayTargetName);
    if (typeof name !== 'string' || Token.isUnresolved(name)) {
      throw new Error(
        `${this.target.node.path}: the target's name must be known at synth to name its tools in Cedar; set gatewayTargetName to a literal`,
      );
    }
    return `${name}___${this.toolName}`;
  }

  /**
   * The tool's input schema, or undefined when it is not known (a target without an inline tool
   * schema and no `inputSchema` option). Throws when the target's inline schema has no such tool.
   * @internal
   */
  public _inputSchema(): ToolInputSchema | undefined {
    if (this.declaredInput) return this.declaredInput;
    const cfn = this.target.node.defaultChild as agentcore.CfnGatewayTarget | undefined;
    const config = cfn ? Stack.of(this.target).resolve(cfn.targetConfiguration) : undefined;
    const inline = config?.mcp?.lambda?.toolSchema?.inlinePayload;
    if (!Array.isArray(inline)) return undefined;
    const tool = inline.find((t: { name?: string }) => t?.name === this.toolName);
    if (!tool) {
      const names = inline.map((t: { name?: string }) => t?.name);
      throw new Error(
        `${this.target.node.path}: the target declares no tool ${JSON.stringify(this.toolName)}; its tools are ${JSON.stringify(names)}`,
      );
    }
    return tool.inputSchema ?? { type: 'object', properties: {} };
  }
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function fromDefinition(d: agentcore.SchemaDefinition): ToolInputSchema {
  return {
    type: d.type.value,
    properties: d.properties
      ? Object.fromEntries(Object.entries(d.properties).map(([k, v]) => [k, fromDefinition(v)]))
      : undefined,
    required: d.required,
    items: d.items ? fromDefinition(d.items) : undefined,
  };
}
