import { CfnResource, Lazy } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { Construct } from 'constructs';
import { IAgentIdentity } from '../identity/agent-capabilities';
import { AgentCoreTarget } from '../models/agent-core-target';
import { failAt } from '../shared/errors';
import { acknowledgeFindings } from '../shared/nag-acknowledgements';
import { TOOL_POLICY_METADATA, ToolPolicyMetadata } from '../shared/tool-policy-metadata';
import { GatewayTool } from './gateway-tool';
import { cedarStringLiteral } from './private/cedar-text';
import { gatewaySchema, inputFields } from './private/cedar-schema';
import { validateCedarPolicy } from './private/cedar-validation';
import { GatewayCallerAuth, RenderedCaller, ToolCaller } from './tool-caller';
import { ToolCondition } from './tool-condition';

/** Options of `AgentToolPolicy.grant`. */
export interface ToolGrantOptions {
  /**
   * How the agent is recognised when it calls the gateway (the Cedar principal).
   * @default - `ToolCaller.agentRole()` on an IAM-authorized gateway; required on a
   *   JWT-authorized gateway, where only the token identifies the agent
   */
  readonly caller?: ToolCaller;
  /**
   * Conditions that must all hold for the call to be permitted (Cedar `when`).
   * @default - the tools are permitted whatever their input
   */
  readonly when?: ToolCondition[];
  /**
   * Conditions that, when all hold, withdraw the permit (Cedar `unless`).
   * @default - no exception
   */
  readonly unless?: ToolCondition[];
}

/** Options of `AgentToolPolicy.forbid`. */
export interface ToolForbidOptions {
  /**
   * Conditions that must all hold for the call to be forbidden (Cedar `when`).
   * @default - the tools are forbidden to every caller whatever their input
   */
  readonly when?: ToolCondition[];
  /** Why the forbid exists, shown in the entitlement report, e.g. `protected branches change by human review only`. */
  readonly reason: string;
}

/**
 * Tool inputs that name a tenant. When a granted tool has one of them (a string) and the agent
 * serves a tenant, the library adds a forbid: no call of that tool by that agent may carry
 * another tenant's id.
 */
const TENANT_INPUT_NAMES: readonly string[] = ['tenantId', 'tenant_id', 'tenant'];

/** One generated Cedar policy, before it is handed to the L2 `Policy`. */
interface PolicySpec {
  readonly effect: 'permit' | 'forbid';
  readonly origin: string;
  readonly agent?: IAgentIdentity;
  readonly tool: GatewayTool;
  readonly caller?: RenderedCaller;
  readonly when: ToolCondition[];
  readonly unless: ToolCondition[];
  /** Extra `when` expressions the library adds (the tenant fence). */
  readonly extraWhen?: string[];
  readonly extraWhenText?: string[];
  readonly reason?: string;
}

/**
 * Policy at call time for one AgentCore Gateway: a Cedar policy engine attached to the gateway,
 * with the policies generated from the agents' tool grants. Cedar denies by default, so an agent
 * may call exactly the tools it was granted, under the grant's conditions, and nothing else.
 *
 * Every generated policy is parsed and validated at synth with the Cedar engine against a
 * schema built from the gateway's declared tools and their input schemas; a policy that does
 * not validate is a synth-time error naming the agent and the tool.
 *
 * Rollout: the engine starts in `LOG_ONLY` mode (decisions are logged, every call goes through)
 * and is switched to `ENFORCE` explicitly with `enforce()`.
 *
 * @example
 * const tools = AgentToolPolicy.of(gateway);
 * tools.grant(agent, [GatewayTool.of(crm, 'getRecord'), GatewayTool.of(crm, 'updateRecord')], {
 *   caller: ToolCaller.jwtSubject(client.userPoolClientId),
 *   when: [ToolCondition.inputEqualsClaim('recordId', 'task_record_id')],
 * });
 * tools.enforce();
 */
export class AgentToolPolicy extends Construct {
  /** The tool policy of `gateway`, created (with its policy engine, in log-only mode) on first use. */
  public static of(gateway: agentcore.Gateway): AgentToolPolicy {
    if (!(gateway instanceof agentcore.Gateway)) {
      throw new Error(
        'AgentToolPolicy.of needs a Gateway defined in the app (aws-cdk-lib/aws-bedrockagentcore Gateway), not an imported one: its tools and inbound auth must be known at synth',
      );
    }
    const existing = gateway.node.tryFindChild(ID);
    if (existing instanceof AgentToolPolicy) return existing;
    return new AgentToolPolicy(gateway, ID);
  }

  /** The gateway whose tool calls this policy governs. */
  public readonly gateway: agentcore.Gateway;
  /** The Cedar policy engine attached to the gateway. */
  public readonly policyEngine: agentcore.PolicyEngine;
  /** How the gateway authenticates callers (decides the Cedar principal type). */
  public readonly callerAuth: GatewayCallerAuth;

  private currentMode: agentcore.PolicyEngineMode = agentcore.PolicyEngineMode.LOG_ONLY;
  private readonly invokers = new Set<IAgentIdentity>();

  private constructor(gateway: agentcore.Gateway, id: string) {
    super(gateway, id);
    this.gateway = gateway;
    if (gateway.policyEngineConfiguration) {
      failAt(
        gateway,
        'the gateway already has a policyEngineConfiguration; AgentToolPolicy attaches its own policy engine and owns its mode, so remove policyEngineConfiguration from the Gateway props',
      );
    }
    this.callerAuth = callerAuthOf(gateway);
    this.policyEngine = new agentcore.PolicyEngine(this, 'Engine', {
      description: `Cedar tool policies of gateway ${gateway.node.path}, generated by cdk-agent-identity`,
    });
    const cfn = gateway.node.defaultChild as agentcore.CfnGateway;
    cfn.policyEngineConfiguration = {
      arn: this.policyEngine.policyEngineArn,
      mode: Lazy.string({ produce: () => this.currentMode.value }),
    };
    this.policyEngine.grantEvaluateForGateway(gateway.role, gateway);
    acknowledgeFindings(gateway.role, {
      'NIST.800.53.R5-IAMNoInlinePolicy':
        "aws-cdk-lib's PolicyEngine.grantEvaluateForGateway adds the gateway service role's permission to evaluate this one engine " +
        'for this one gateway as the inline default policy of that role; it must not be attachable to any other principal',
    });
  }

  /** The engine's mode: `LOG_ONLY` until `enforce()` is called. */
  public get mode(): agentcore.PolicyEngineMode {
    return this.currentMode;
  }

  /** Switches the engine to `ENFORCE`: calls no policy permits are denied. */
  public enforce(): void {
    this.currentMode = agentcore.PolicyEngineMode.ENFORCE;
  }

  /** Switches the engine back to `LOG_ONLY` (a widening: `agent-identity diff` reports it). */
  public logOnly(): void {
    this.currentMode = agentcore.PolicyEngineMode.LOG_ONLY;
  }

  /**
   * Permits `agent` to call exactly `tools` of this gateway, under the conditions of `options`.
   * One Cedar policy is generated per tool. On an IAM-authorized gateway the agent's role is
   * also allowed `bedrock-agentcore:InvokeGateway` on the gateway.
   *
   * When the agent serves a tenant and a tool has a tenant input (`TENANT_INPUT_NAMES`), a
   * forbid is added: no call by the agent may carry another tenant's id.
   *
   * @returns the generated policies
   */
  public grant(
    agent: IAgentIdentity,
    tools: GatewayTool[],
    options: ToolGrantOptions = {},
  ): agentcore.Policy[] {
    if (!Array.isArray(tools) || tools.length === 0) {
      failAt(
        this,
        `grant for agent ${agent.agentName} names no tools; name each tool with GatewayTool.of(target, 'toolName')`,
      );
    }
    const caller = options.caller ?? this.defaultCaller(agent);
    if (caller.auth !== this.callerAuth) {
      failAt(
        this,
        `agent ${agent.agentName}: caller recognised by ${caller.auth === GatewayCallerAuth.JWT ? 'a JWT' : 'its IAM role'} but the gateway uses ${this.callerAuth === GatewayCallerAuth.JWT ? 'JWT' : 'IAM'} inbound auth; use ${this.callerAuth === GatewayCallerAuth.JWT ? 'ToolCaller.jwtSubject(...) or ToolCaller.jwtClaim(...)' : 'ToolCaller.agentRole()'}`,
      );
    }
    const rendered = caller._render(agent);
    const when = options.when ?? [];
    const unless = options.unless ?? [];
    const policies: agentcore.Policy[] = [];
    for (const tool of uniqueTools(tools)) {
      this.checkTool(tool, agent.agentName);
      policies.push(
        this.addSpec({ effect: 'permit', origin: 'grant', agent, tool, caller: rendered, when, unless }),
      );
      const fence = this.tenantFence(agent, tool, rendered);
      if (fence) policies.push(this.addSpec(fence));
    }
    if (this.callerAuth === GatewayCallerAuth.IAM && !this.invokers.has(agent)) {
      this.invokers.add(agent);
      AgentCoreTarget.gateway(this.gateway.gatewayArn).grantInvoke(agent);
    }
    agent.recordEntitlement({
      kind: 'tool',
      description: `call tools ${uniqueTools(tools)
        .map((t) => t.toolName)
        .join(
          ', ',
        )} of gateway ${this.gateway.node.path}${when.length > 0 ? ` when ${when.map((c) => c.description).join(' and ')}` : ''}`,
      auditedResources: [],
    });
    return policies;
  }

  /**
   * Forbids `tools` to every caller when the conditions hold, whatever any permit says (a Cedar
   * forbid always wins), e.g. nobody merges to a protected branch.
   *
   * @returns the generated policies
   */
  public forbid(tools: GatewayTool[], options: ToolForbidOptions): agentcore.Policy[] {
    if (!Array.isArray(tools) || tools.length === 0) failAt(this, 'forbid names no tools');
    if (typeof options?.reason !== 'string' || options.reason.trim().length === 0) {
      failAt(
        this,
        'forbid needs a reason, e.g. { reason: "protected branches change by human review only" }',
      );
    }
    return uniqueTools(tools).map((tool) => {
      this.checkTool(tool, 'every caller');
      return this.addSpec({
        effect: 'forbid',
        origin: 'forbid',
        tool,
        when: options.when ?? [],
        unless: [],
        reason: options.reason,
      });
    });
  }

  private defaultCaller(agent: IAgentIdentity): ToolCaller {
    if (this.callerAuth === GatewayCallerAuth.JWT) {
      failAt(
        this,
        `agent ${agent.agentName}: the gateway uses JWT inbound auth, where only the token identifies the agent; pass caller: ToolCaller.jwtSubject(<the sub claim of the agent's token, e.g. its Cognito client id>) or ToolCaller.jwtClaim(...)`,
      );
    }
    return ToolCaller.agentRole();
  }

  private checkTool(tool: GatewayTool, who: string): void {
    if (tool.gateway !== this.gateway) {
      failAt(
        this,
        `${who}: tool ${tool.toolName} of target ${tool.target.node.path} is served by another gateway; grant it with AgentToolPolicy.of(<its gateway>)`,
      );
    }
  }

  /** The always-added forbid of another tenant's id in a tool input, when both apply. */
  private tenantFence(
    agent: IAgentIdentity,
    tool: GatewayTool,
    caller: RenderedCaller,
  ): PolicySpec | undefined {
    if (!agent.tenant) return undefined;
    const input = tool._inputSchema();
    const name = TENANT_INPUT_NAMES.find((n) => input?.properties?.[n] !== undefined);
    if (!name) return undefined;
    const type = input?.properties?.[name]?.type;
    if (type !== 'string') {
      failAt(
        this,
        `agent ${agent.agentName}, tool ${tool.actionId()}: tenant input ${name} is of type ${JSON.stringify(type)}, so the tenant fence (no call carrying another tenant's id) cannot compare it with tenant ${JSON.stringify(agent.tenant)}; declare ${name} as a string`,
      );
    }
    const tenant = cedarStringLiteral(agent.tenant);
    if (tenant === undefined)
      failAt(
        this,
        `agent ${agent.agentName}: tenant ${JSON.stringify(agent.tenant)} cannot be a Cedar string`,
      );
    const required = new Set(input?.required ?? []).has(name);
    const test = `context.input.${name} != ${tenant}`;
    return {
      effect: 'forbid',
      origin: 'tenant-fence',
      agent,
      tool,
      caller,
      when: [],
      unless: [],
      extraWhen: [required ? `(${test})` : `(context.input has ${name} && ${test})`],
      extraWhenText: [`input.${name} != ${tenant}`],
      reason: `agent ${agent.agentName} serves tenant ${agent.tenant}; no call may carry another tenant's id`,
    };
  }

  private addSpec(spec: PolicySpec): agentcore.Policy {
    const who = spec.agent ? `agent ${spec.agent.agentName}` : 'every caller';
    const actionId = spec.tool.actionId();
    const fields = inputFields(spec.tool._inputSchema());
    for (const condition of [...spec.when, ...spec.unless]) {
      for (const input of condition.inputs) {
        if (!fields) {
          failAt(
            this,
            `${who}, tool ${actionId}: condition on input ${input}, but the tool's input schema is not known; declare it inline on the target or pass GatewayTool.of(target, name, { inputSchema })`,
          );
        }
        if (!fields.has(input)) {
          failAt(
            this,
            `${who}, tool ${actionId}: condition on input ${input}, which the tool does not have; its inputs are ${JSON.stringify([...fields.keys()])}`,
          );
        }
      }
      if (condition.claims.length > 0 && this.callerAuth !== GatewayCallerAuth.JWT) {
        failAt(
          this,
          `${who}, tool ${actionId}: condition on JWT claim ${condition.claims[0]}, but the gateway uses IAM inbound auth, whose callers carry no claims; use a gateway with a JWT authorizer (GatewayAuthorizer.usingCustomJwt / usingCognito) for per-task conditions`,
        );
      }
    }
    const optional = new Set(
      [...(fields ?? new Map<string, boolean>())].filter(([, req]) => !req).map(([n]) => n),
    );
    const text = renderPolicy(spec, actionId, this.gateway.gatewayArn, optional);
    const schema = gatewaySchema(this.callerAuth, [{ actionId, input: spec.tool._inputSchema() }]);
    const errors = validateCedarPolicy(text, schema);
    if (errors.length > 0) {
      failAt(
        this,
        `${who}, tool ${actionId}: the generated Cedar policy does not validate: ${errors.join('; ')}`,
      );
    }
    const index = this.node.children.filter((c) => c instanceof agentcore.Policy).length;
    const policy = new agentcore.Policy(this, `Policy${index}`, {
      policyEngine: this.policyEngine,
      statement: agentcore.PolicyStatement.fromCedar(text),
      description: `${spec.effect} ${actionId} for ${who} (${spec.origin}), generated by cdk-agent-identity`,
    });
    // the service validates a policy against the gateway's tool manifest: the target must exist first
    policy.node.addDependency(spec.tool.target);
    const metadata: ToolPolicyMetadata = {
      effect: spec.effect,
      origin: spec.origin,
      agent: spec.agent?.agentName,
      tool: actionId,
      caller: spec.caller?.description ?? 'every caller',
      when: [...spec.when.map((c) => c.description), ...(spec.extraWhenText ?? [])],
      unless: spec.unless.map((c) => c.description),
      reason: spec.reason,
    };
    (policy.node.defaultChild as CfnResource).addMetadata(TOOL_POLICY_METADATA, metadata);
    return policy;
  }
}

const ID = 'AgentToolPolicy';

/** The Cedar text of one policy. */
function renderPolicy(
  spec: PolicySpec,
  actionId: string,
  gatewayArn: string,
  optional: ReadonlySet<string>,
): string {
  const principal = spec.caller?.scope ?? 'principal';
  const when = [
    ...(spec.caller?.condition ? [`(${spec.caller.condition})`] : []),
    ...spec.when.map((c) => c._toCedar(optional)),
    ...(spec.extraWhen ?? []),
  ];
  const unless = spec.unless.map((c) => c._toCedar(optional));
  const lines = [
    `${spec.effect} (`,
    `  ${principal},`,
    `  action == AgentCore::Action::"${actionId}",`,
    `  resource == AgentCore::Gateway::"${gatewayArn}"`,
    ')',
  ];
  if (when.length > 0) lines.push(`when { ${when.join(' && ')} }`);
  if (unless.length > 0) lines.push(`unless { ${unless.join(' && ')} }`);
  return `${lines.join('\n')};`;
}

function callerAuthOf(gateway: agentcore.Gateway): GatewayCallerAuth {
  const type = gateway.authorizerConfiguration.authorizerType;
  if (type === agentcore.GatewayAuthorizerType.AWS_IAM) return GatewayCallerAuth.IAM;
  if (type === agentcore.GatewayAuthorizerType.CUSTOM_JWT) return GatewayCallerAuth.JWT;
  return failAt(
    gateway,
    `the gateway's inbound auth is ${JSON.stringify(type)}: with no authenticated caller no agent can be told apart; use GatewayAuthorizer.usingAwsIam() or a JWT authorizer`,
  );
}

function uniqueTools(tools: GatewayTool[]): GatewayTool[] {
  const seen = new Set<string>();
  return tools.filter((t) => {
    const key = `${t.target.node.path}/${t.toolName}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
