import { Aws } from 'aws-cdk-lib';
import { IAgentIdentity } from '../identity/agent-capabilities';
import { CLAIM_NAME, cedarStringLiteral } from './private/cedar-text';

/** How the gateway authenticates callers, which decides the Cedar principal type. */
export enum GatewayCallerAuth {
  /** JWT inbound auth: the principal is `AgentCore::OAuthUser`, id = `sub`, claims as tags. */
  JWT = 'jwt',
  /** IAM (SigV4) inbound auth: the principal is `AgentCore::IamEntity`, id = the caller's ARN, no tags. */
  IAM = 'iam',
}

/** The Cedar scope and condition that pick one agent out of a gateway's callers. */
export interface RenderedCaller {
  /** The principal scope, e.g. `principal is AgentCore::OAuthUser`. */
  readonly scope: string;
  /** A condition that further narrows the principal; undefined when the scope names it. */
  readonly condition?: string;
  /** One line for people (the entitlement report). */
  readonly description: string;
}

/**
 * How an agent is recognised when it calls a gateway, i.e. the Cedar principal of its grants.
 *
 * - `agentRole()`: on an IAM-authorized gateway, sessions of the agent's role
 *   (`principal.id like "arn:<partition>:sts::<account>:assumed-role/<role name>/*"`);
 * - `jwtSubject(sub)`: on a JWT-authorized gateway, the token whose `sub` claim is `sub`
 *   (for a Cognito client-credentials client, its client id);
 * - `jwtClaim(claim, value)`: on a JWT-authorized gateway, tokens whose claim equals `value`.
 */
export class ToolCaller {
  /** Sessions of the agent's own role (IAM-authorized gateways). */
  public static agentRole(): ToolCaller {
    return new ToolCaller(GatewayCallerAuth.IAM, (agent) => ({
      scope: 'principal is AgentCore::IamEntity',
      condition: `principal.id like "arn:${Aws.PARTITION}:sts::${Aws.ACCOUNT_ID}:assumed-role/${agent.roleName}/*"`,
      description: `sessions of role ${agent.roleName}`,
    }));
  }

  /** The JWT whose `sub` claim is `subject` (JWT-authorized gateways). */
  public static jwtSubject(subject: string): ToolCaller {
    const literal = cedarStringLiteral(subject);
    if (literal === undefined || subject.length === 0) {
      throw new Error(
        `ToolCaller.jwtSubject: subject ${JSON.stringify(subject)} must be a non-empty string without double quotes, backslashes or control characters`,
      );
    }
    return new ToolCaller(GatewayCallerAuth.JWT, () => ({
      scope: `principal == AgentCore::OAuthUser::${literal}`,
      description: `JWT sub ${subject}`,
    }));
  }

  /** JWTs whose claim `claim` equals `value` (JWT-authorized gateways). */
  public static jwtClaim(claim: string, value: string): ToolCaller {
    const literal = cedarStringLiteral(value);
    if (typeof claim !== 'string' || !CLAIM_NAME.test(claim) || literal === undefined || value.length === 0) {
      throw new Error(
        `ToolCaller.jwtClaim: claim ${JSON.stringify(claim)} must be letters, digits and _ : . / -, and value ${JSON.stringify(value)} a non-empty string without double quotes, backslashes or control characters`,
      );
    }
    return new ToolCaller(GatewayCallerAuth.JWT, () => ({
      scope: 'principal is AgentCore::OAuthUser',
      condition: `principal.hasTag("${claim}") && principal.getTag("${claim}") == ${literal}`,
      description: `JWT claim ${claim} = ${value}`,
    }));
  }

  private constructor(
    /** The inbound auth this caller works with. */
    public readonly auth: GatewayCallerAuth,
    private readonly renderFor: (agent: IAgentIdentity) => RenderedCaller,
  ) {}

  /**
   * The principal scope and condition for `agent`.
   * @internal
   */
  public _render(agent: IAgentIdentity): RenderedCaller {
    return this.renderFor(agent);
  }
}
