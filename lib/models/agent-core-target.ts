import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { requireGranted, resolveGrantee } from '../identity/private/agent-grantee';
import { show } from '../shared/errors';
import { invalid, rejectWildcards } from './model-grants';

/** Options of `AgentCoreTarget.runtime`. */
export interface AgentCoreRuntimeTargetOptions {
  /**
   * Name of the runtime endpoint (the `qualifier` of InvokeAgentRuntime) the agent calls.
   * @default 'DEFAULT'
   */
  readonly endpointName?: string;
  /**
   * Also allow `bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStream`.
   * @default false
   */
  readonly webSocketStream?: boolean;
}

/**
 * An Amazon Bedrock AgentCore runtime or gateway that one agent may call, e.g. when an
 * orchestrating agent calls another agent or its tools:
 *
 * - `runtime(arn)`: `bedrock-agentcore:InvokeAgentRuntime` on the runtime and one endpoint of it
 *   (the action requires both resource types);
 * - `gateway(arn)`: `bedrock-agentcore:InvokeGateway` on the gateway (gateways with IAM inbound auth).
 */
export class AgentCoreTarget {
  /** A runtime by ARN (`arn:<partition>:bedrock-agentcore:<region>:<account>:runtime/<id>`), e.g. `CfnRuntime.attrAgentRuntimeArn`. */
  public static runtime(runtimeArn: string, options: AgentCoreRuntimeTargetOptions = {}): AgentCoreTarget {
    validateArn('AgentCoreTarget.runtime', runtimeArn, 'runtime');
    const endpoint = options.endpointName ?? 'DEFAULT';
    if (typeof endpoint !== 'string' || endpoint.length === 0)
      invalid(`endpointName must be a name, got ${show(endpoint)}`);
    rejectWildcards('runtime endpointName', endpoint, `name one endpoint, e.g. 'DEFAULT'`);
    if (!Token.isUnresolved(endpoint) && !ENDPOINT.test(endpoint)) {
      invalid(
        `runtime endpointName ${show(endpoint)} must be letters, digits and _ starting with a letter, e.g. 'DEFAULT'`,
      );
    }
    const actions = ['bedrock-agentcore:InvokeAgentRuntime'];
    if (options.webSocketStream === true)
      actions.push('bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStream');
    return new AgentCoreTarget(
      'runtime',
      runtimeArn,
      actions,
      [runtimeArn, `${runtimeArn}/runtime-endpoint/${endpoint}`],
      'AWS::BedrockAgentCore::Runtime',
      ` (endpoint ${endpoint})`,
    );
  }

  /** A gateway by ARN (`arn:<partition>:bedrock-agentcore:<region>:<account>:gateway/<id>`), e.g. `CfnGateway.attrGatewayArn`. */
  public static gateway(gatewayArn: string): AgentCoreTarget {
    validateArn('AgentCoreTarget.gateway', gatewayArn, 'gateway');
    return new AgentCoreTarget(
      'gateway',
      gatewayArn,
      ['bedrock-agentcore:InvokeGateway'],
      [gatewayArn],
      'AWS::BedrockAgentCore::Gateway',
      '',
    );
  }

  private constructor(
    /** `runtime` or `gateway`. */
    public readonly targetKind: string,
    /** The runtime or gateway ARN (may be a token). */
    public readonly arn: string,
    private readonly actions: string[],
    private readonly resources: string[],
    private readonly dataEventType: string,
    private readonly detail: string,
  ) {}

  /**
   * Allows `grantee` to invoke this runtime or gateway (exact ARNs). An agent (the
   * `AgentIdentity`, its `role`, or a construct that runs as its role) gets it in its own policy,
   * recorded as its entitlement; any other role, user or group of this app (or a construct that runs
   * as one) gets the same statement in its identity policy. Principals without an identity policy
   * in this app (e.g. `iam.ArnPrincipal`) are refused.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const what = `AgentCore ${this.targetKind} ${this.arn}`;
    const resolved = resolveGrantee(grantee, what, undefined);
    const grant = iam.Grant.addToPrincipal({
      grantee: resolved.agent ?? resolved.principal,
      actions: this.actions,
      resourceArns: this.resources,
    });
    if (resolved.principal) return requireGranted(grant, resolved.principal, what);
    const agent = resolved.agent;
    agent.recordEntitlement({
      kind: 'agent',
      description: `invoke AgentCore ${this.targetKind} ${this.arn}${this.detail}`,
      auditedResources: [{ resourceType: this.dataEventType, arn: this.arn }],
    });
    return grant;
  }
}

const ENDPOINT = /^[a-zA-Z][a-zA-Z0-9_]{0,47}$/;

function validateArn(factory: string, arn: string, resourceType: string): void {
  const example = `arn:<partition>:bedrock-agentcore:<region>:<account>:${resourceType}/<id>`;
  if (typeof arn !== 'string' || arn.length === 0)
    invalid(`${factory} needs an ARN like ${example}, got ${show(arn)}`);
  rejectWildcards(`${factory} ARN`, arn, `name one ${resourceType}`);
  if (Token.isUnresolved(arn)) return;
  const re = new RegExp(
    `^arn:[a-z-]+:bedrock-agentcore:[a-z0-9-]+:\\d{12}:${resourceType}/[A-Za-z0-9][A-Za-z0-9_-]*$`,
  );
  if (!re.test(arn)) invalid(`${factory} ARN ${show(arn)} is not of the form ${example}`);
}
