/** Options for `UserDelegation.throughInboundJwt`. */
export interface InboundJwtDelegationOptions {
  /**
   * The OAuth2 scopes the agent acts with for the user; listed in the evidence report
   * ("acts for users of <issuer>, scopes ...").
   */
  readonly scopes: string[];
}

/** Options for `UserDelegation.byUserId`. */
export interface UserIdDelegationOptions {
  /**
   * Why the agent must obtain tokens for a user named only by id, without the user's own token
   * (at least 20 characters; shown in the evidence report).
   */
  readonly reason: string;
  /**
   * The OAuth2 scopes the agent acts with for the user.
   * @default - none declared
   */
  readonly scopes?: string[];
}

/**
 * How an agent acts on behalf of a signed-in user: the user-delegated tokens it may obtain, and
 * what the agent must present to obtain them.
 */
export class UserDelegation {
  /**
   * The agent acts for the user whose JWT it was called with: it may obtain a workload access
   * token only through `GetWorkloadAccessTokenForJWT`, pinned to the inbound authorizer's issuer
   * and audiences or clients. The workload identity must declare `inboundAuthorizer`.
   */
  public static throughInboundJwt(options: InboundJwtDelegationOptions): UserDelegation {
    return new UserDelegation('inbound-jwt', options?.scopes, undefined);
  }

  /**
   * The agent names the user by id (`GetWorkloadAccessTokenForUserId`), so nothing proves the
   * user asked for it: any user's stored tokens are within reach. Only with a stated reason;
   * AgentIdentityChecks reports the grant when the reason is missing.
   */
  public static byUserId(options: UserIdDelegationOptions): UserDelegation {
    return new UserDelegation('user-id', options?.scopes, options?.reason);
  }

  private constructor(
    /** `inbound-jwt` or `user-id`. */
    public readonly via: string,
    /** The scopes the agent acts with. */
    public readonly scopes: string[] | undefined,
    /** The reason, for `user-id`. */
    public readonly reason: string | undefined,
  ) {}
}
