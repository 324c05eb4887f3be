import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { IConstruct } from 'constructs';
import { failAt, show } from '../shared/errors';
import { validateAllowList, validateDiscoveryUrl } from './private/validation';

/** Properties of an `InboundJwtAuthorizer`. Give `allowedAudiences`, `allowedClients` or both. */
export interface InboundJwtAuthorizerProps {
  /**
   * The issuer's OpenID discovery URL: HTTPS, ending in `/.well-known/openid-configuration`.
   */
  readonly discoveryUrl: string;
  /**
   * Audiences (`aud` claim) a caller's token must carry one of. Never empty.
   * @default - not checked; then `allowedClients` is required
   */
  readonly allowedAudiences?: string[];
  /**
   * Client ids (`client_id` claim) a caller's token must carry one of. Never empty.
   * @default - not checked; then `allowedAudiences` is required
   */
  readonly allowedClients?: string[];
  /**
   * Scopes a caller's token must carry one of. Never empty.
   * @default - not checked
   */
  readonly allowedScopes?: string[];
  /**
   * The issuer (`iss` claim) of the tokens, used to pin user delegation to this issuer.
   * @default - the discovery URL without `/.well-known/openid-configuration`
   */
  readonly issuer?: string;
}

/**
 * Who may call an agent: the inbound JWT authorizer of its AgentCore Runtime or Gateway, declared
 * once with the agent (so the report lists it) and rendered for the L2 that enforces it:
 * `forRuntime()` gives `RuntimeAuthorizerConfiguration.usingJWT(...)`, `forGateway()` gives
 * `GatewayAuthorizer.usingCustomJwt(...)`. Validated when bound: HTTPS discovery URL, at least one
 * of audiences and clients, no empty allow list, no wildcard.
 */
export class InboundJwtAuthorizer {
  /** An authorizer accepting tokens of one OpenID Connect issuer. */
  public static oidc(props: InboundJwtAuthorizerProps): InboundJwtAuthorizer {
    return new InboundJwtAuthorizer(props);
  }

  /** The discovery URL. */
  public readonly discoveryUrl: string;
  /** Allowed audiences, if checked. */
  public readonly allowedAudiences?: string[];
  /** Allowed client ids, if checked. */
  public readonly allowedClients?: string[];
  /** Allowed scopes, if checked. */
  public readonly allowedScopes?: string[];

  private readonly props: InboundJwtAuthorizerProps;

  private constructor(props: InboundJwtAuthorizerProps) {
    this.props = props ?? ({} as InboundJwtAuthorizerProps);
    this.discoveryUrl = props?.discoveryUrl;
    this.allowedAudiences = props?.allowedAudiences;
    this.allowedClients = props?.allowedClients;
    this.allowedScopes = props?.allowedScopes;
  }

  /**
   * The issuer (`iss`) of accepted tokens, validated at `scope`; undefined only when the discovery
   * URL is a token and no issuer was given.
   */
  public issuerAt(scope: IConstruct): string | undefined {
    const derived = validateDiscoveryUrl(scope, 'inbound authorizer discoveryUrl', this.discoveryUrl);
    const audiences = validateAllowList(scope, 'inbound authorizer allowedAudiences', this.allowedAudiences);
    const clients = validateAllowList(scope, 'inbound authorizer allowedClients', this.allowedClients);
    validateAllowList(scope, 'inbound authorizer allowedScopes', this.allowedScopes);
    if (audiences === undefined && clients === undefined) {
      failAt(
        scope,
        'inbound authorizer needs allowedAudiences or allowedClients; without either, any token the issuer signs for any application would be accepted',
      );
    }
    const issuer = this.props.issuer ?? derived;
    if (this.props.issuer !== undefined && !/^https:\/\/[^\s*?]+$/.test(this.props.issuer)) {
      failAt(
        scope,
        `inbound authorizer issuer ${show(this.props.issuer)} must be an https URL without wildcards`,
      );
    }
    return issuer;
  }

  /** The authorizer configuration of an AgentCore Runtime, validated at `scope`. */
  public forRuntime(scope: IConstruct): agentcore.RuntimeAuthorizerConfiguration {
    this.issuerAt(scope);
    return agentcore.RuntimeAuthorizerConfiguration.usingJWT(
      this.discoveryUrl,
      this.allowedClients,
      this.allowedAudiences,
      this.allowedScopes,
    );
  }

  /** The authorizer configuration of an AgentCore Gateway, validated at `scope`. */
  public forGateway(scope: IConstruct): agentcore.IGatewayAuthorizerConfig {
    this.issuerAt(scope);
    return agentcore.GatewayAuthorizer.usingCustomJwt({
      discoveryUrl: this.discoveryUrl,
      allowedAudience: this.allowedAudiences,
      allowedClients: this.allowedClients,
      allowedScopes: this.allowedScopes,
    });
  }
}
