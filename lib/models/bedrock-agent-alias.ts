import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { requireGranted, resolveGrantee } from '../identity/private/agent-grantee';
import { show } from '../shared/errors';
import { invalid, noteInternalModelCaller, rejectWildcards } from './model-grants';

/**
 * An alias of a Bedrock agent that an AI agent may call (`bedrock:InvokeAgent` on the alias ARN
 * `arn:<partition>:bedrock:<region>:<account>:agent-alias/<agent id>/<alias id>`).
 *
 * Legacy: Bedrock Agents (classic) is in maintenance mode for new customers. Keep these grants for
 * existing agents; for new ones, call agents and tools through Amazon Bedrock AgentCore (an
 * AgentCore Runtime or Gateway, with `AgentWorkloadIdentity` and `agent.grantCredentials`).
 */
export class BedrockAgentAlias {
  /** An agent alias by ARN, e.g. `CfnAgentAlias.attrAgentAliasArn`. */
  public static fromArn(agentAliasArn: string): BedrockAgentAlias {
    if (typeof agentAliasArn !== 'string' || agentAliasArn.length === 0) {
      invalid(`BedrockAgentAlias.fromArn needs an agent alias ARN, got ${show(agentAliasArn)}`);
    }
    rejectWildcards('agent alias ARN', agentAliasArn, 'name one alias');
    if (!Token.isUnresolved(agentAliasArn) && !ALIAS_ARN.test(agentAliasArn)) {
      invalid(
        `agent alias ARN ${show(agentAliasArn)} is not of the form arn:<partition>:bedrock:<region>:<account>:agent-alias/<agent id>/<alias id>`,
      );
    }
    return new BedrockAgentAlias(() => agentAliasArn, agentAliasArn);
  }

  /** An agent alias by agent id and alias id, in the calling agent's own account and region. */
  public static fromIds(agentId: string, aliasId: string): BedrockAgentAlias {
    for (const [what, value] of [
      ['agent id', agentId],
      ['alias id', aliasId],
    ] as const) {
      if (typeof value !== 'string' || value.length === 0)
        invalid(`BedrockAgentAlias.fromIds needs an ${what}, got ${show(value)}`);
      rejectWildcards(what, value, 'name one agent alias');
      if (!Token.isUnresolved(value) && !ID.test(value))
        invalid(`${what} ${show(value)} must be letters and digits, e.g. 'ABCDE12345'`);
    }
    return new BedrockAgentAlias(
      (stack) =>
        stack.formatArn({
          service: 'bedrock',
          resource: 'agent-alias',
          resourceName: `${agentId}/${aliasId}`,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      `${agentId}/${aliasId}`,
    );
  }

  /** The ARN or ids the alias was named by (may be a token). */
  public readonly identifier: string;

  private constructor(
    private readonly arnIn: (stack: Stack) => string,
    identifier: string,
  ) {
    this.identifier = identifier;
  }

  /** The alias ARN as seen from `scope`'s stack. */
  public agentAliasArn(scope: IConstruct): string {
    return this.arnIn(Stack.of(scope));
  }

  /**
   * Allows `grantee` to call `bedrock:InvokeAgent` on this alias (exact ARN). An agent (the
   * `AgentIdentity`, its `role`, or a construct that runs as its role) gets it in its own policy,
   * recorded as its entitlement. The Bedrock agent invokes its models inside Bedrock: a guardrail
   * pinned on the calling agent's models does not apply to those calls, which is reported as a synth
   * warning. Any other role, user or group of this app (or a construct that runs as one) gets the
   * same statement in its identity policy; principals without an identity policy in this app (e.g.
   * `iam.ArnPrincipal`) are refused.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const what = `agent alias ${this.identifier}`;
    const resolved = resolveGrantee(grantee, what, undefined);
    const target = resolved.agent ?? resolved.principal;
    const arn = this.agentAliasArn(target);
    const grant = iam.Grant.addToPrincipal({
      grantee: target,
      actions: ['bedrock:InvokeAgent'],
      resourceArns: [arn],
    });
    if (resolved.principal) return requireGranted(grant, resolved.principal, what);
    const agent = resolved.agent;
    agent.recordEntitlement({
      kind: 'agent',
      description: `invoke Bedrock agent alias ${this.identifier}`,
      auditedResources: [{ resourceType: 'AWS::Bedrock::AgentAlias', arn }],
    });
    noteInternalModelCaller(agent, `InvokeAgent (agent alias ${this.identifier})`);
    return grant;
  }
}

const ALIAS_ARN = /^arn:[a-z-]+:bedrock:[a-z0-9-]+:\d{12}:agent-alias\/[0-9a-zA-Z]+\/[0-9a-zA-Z]+$/;
const ID = /^[0-9a-zA-Z]+$/;
