import { Token } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as iam from 'aws-cdk-lib/aws-iam';
import type {
  AgentCredentialGrantOptions,
  IAgentCredentialProvider,
  IAgentIdentity,
} from '../identity/agent-capabilities';
import { RUNTIME_MANAGED } from '../shared/runtime-managed-identity';
import { AgentCoreIdentityNames } from '../shared/agentcore-identity';
import { failAt, show } from '../shared/errors';
import { acknowledgeResourceFinding, acknowledgeWildcardResource } from '../shared/nag-acknowledgements';
import { directoryArn, tokenVaultArn, vaultSecretResource } from './private/agentcore-arns';
import { declarationOf } from './private/credentials-declaration';
import { validateAllowList } from './private/validation';

/** The OAuth2 flow an agent uses with a provider. */
export class OAuth2Flow {
  /** Client credentials (two-legged, `M2M`): the agent acts as itself. */
  public static readonly CLIENT_CREDENTIALS = new OAuth2Flow('client-credentials');
  /**
   * Authorization code (three-legged, `USER_FEDERATION`): the agent acts for a signed-in user
   * with the user's delegated token. The agent's workload identity must declare `actsForUsers`.
   */
  public static readonly USER_DELEGATED = new OAuth2Flow('user-delegated');

  private constructor(
    /** `client-credentials` or `user-delegated`. */
    public readonly value: string,
  ) {}
}

/** Options for `CredentialProvider.oauth2`. */
export interface OAuth2CredentialProviderOptions {
  /**
   * The flow the agent uses.
   * @default OAuth2Flow.CLIENT_CREDENTIALS
   */
  readonly flow?: OAuth2Flow;
}

/** The condition under which an agent's role may read a provider's stored secret: only through a service. */
const VIA_TOKEN_VAULT_CONDITION = { Bool: { 'aws:ViaAWSService': 'true' } };

const SECRET_READ = ['secretsmanager:GetSecretValue'];

/**
 * An AgentCore token-vault credential provider (an `OAuth2CredentialProvider` or
 * `ApiKeyCredentialProvider` of aws-cdk-lib) as an agent is granted it with
 * `agent.grantCredentials(...)`. Unlike the providers' own `grantUse` (which reaches every
 * workload identity and lets the grantee read the stored secret directly), the grant names:
 * - the one provider, the token vault and the agent's OWN workload identity (and its directory),
 *   so another agent — even of the same tenant — cannot fetch this agent's tokens;
 * - the provider's stored secret only under `aws:ViaAWSService`, i.e. when the token vault reads
 *   it on the agent's behalf; a direct `GetSecretValue` by the agent is denied.
 */
export abstract class CredentialProvider implements IAgentCredentialProvider {
  /** An OAuth2 credential provider (client credentials by default). */
  public static oauth2(
    provider: agentcore.IOAuth2CredentialProvider,
    options: OAuth2CredentialProviderOptions = {},
  ): CredentialProvider {
    return new OAuth2Provider(provider, options.flow ?? OAuth2Flow.CLIENT_CREDENTIALS);
  }

  /** An API-key credential provider. */
  public static apiKey(provider: agentcore.IApiKeyCredentialProvider): CredentialProvider {
    return new ApiKeyProvider(provider);
  }

  /** Kind of provider: `oauth2` or `api-key`. */
  public abstract readonly kind: string;

  public grantToAgent(agent: IAgentIdentity, options: AgentCredentialGrantOptions): iam.Grant {
    const identity = agent.workloadIdentity;
    if (!identity) {
      failAt(
        agent,
        "grantCredentials needs the agent's own AgentCore workload identity first; set workloadIdentity: AgentWorkloadIdentity.create() on the agent",
      );
    }
    if (identity.obtainedBy === 'agentcore-runtime') {
      failAt(
        agent,
        `grantCredentials cannot name the workload identity ${RUNTIME_MANAGED}: the role's policy would depend on the runtime that depends on the role; ` +
          'give the agent workloadIdentity: AgentWorkloadIdentity.create() (or fromWorkloadIdentity) to call credential providers',
      );
    }
    const providerArn = this.providerArn();
    if (typeof providerArn !== 'string' || (!Token.isUnresolved(providerArn) && /[*?]/.test(providerArn))) {
      failAt(agent, `grantCredentials needs one provider with an exact ARN, got ${show(providerArn)}`);
    }
    const scopes = this.validateScopes(agent, identity.actsForUsers === true, options?.scopes);
    const vault = iam.Grant.addToPrincipal({
      grantee: agent,
      actions: this.actions(),
      resourceArns: [providerArn, tokenVaultArn(agent), directoryArn(agent), identity.workloadIdentityArn],
    });
    const secret = vaultSecretResource(agent, this.secretArn());
    const read = iam.Grant.addToPrincipal({
      grantee: agent,
      actions: SECRET_READ,
      resourceArns: [secret],
      conditions: VIA_TOKEN_VAULT_CONDITION,
    });
    if (secret.includes('*')) {
      acknowledgeResourceFinding(
        agent,
        'AgentIdentity-NoWildcardResources',
        secret,
        'the token vault names the secret of each provider itself (bedrock-agentcore-identity!...); the prefix is readable only under aws:ViaAWSService, i.e. by the token vault for the providers granted to this agent, never by the agent directly (AgentIdentity-VaultSecretViaVault judges that condition)',
      );
      acknowledgeWildcardResource(
        agent,
        secret,
        'the token vault keeps each provider credential in a secret it names (bedrock-agentcore-identity!...); a provider created in this deployment exposes that ARN only as an object IAM cannot take, so the prefix is granted, and only under aws:ViaAWSService: the agent cannot read any of these secrets itself, only the token vault can for it, for the providers granted above',
      );
    }
    if (agent.tenant !== undefined) {
      acknowledgeResourceFinding(
        agent,
        'AgentIdentity-TenantAbac',
        secret,
        'the token vault creates and names the provider secrets and cannot tag them for a tenant; the agent reads them only under aws:ViaAWSService (through the vault), and the vault hands out only the providers this agent is granted, for its own workload identity',
      );
    }
    declarationOf(agent).providers.push({
      provider: providerArn,
      kind: this.kind,
      ...(this.flow() ? { flow: this.flow() } : {}),
      scopes,
    });
    agent.recordEntitlement({
      kind: 'credential-provider',
      description:
        `${this.kind} credentials of token-vault provider ${Token.isUnresolved(providerArn) ? this.path() : providerArn}` +
        (scopes.length > 0 ? ` (scopes ${scopes.join(' ')})` : ''),
      auditedResources: [],
    });
    return vault.combine(read);
  }

  protected abstract providerArn(): string;
  protected abstract secretArn(): string | undefined;
  protected abstract actions(): string[];
  protected abstract path(): string;
  protected flow(): string | undefined {
    return undefined;
  }
  protected abstract validateScopes(
    agent: IAgentIdentity,
    actsForUsers: boolean,
    scopes?: string[],
  ): string[];
}

class OAuth2Provider extends CredentialProvider {
  public readonly kind = 'oauth2';

  constructor(
    private readonly provider: agentcore.IOAuth2CredentialProvider,
    private readonly oauthFlow: OAuth2Flow,
  ) {
    super();
  }

  protected providerArn(): string {
    return this.provider?.credentialProviderArn;
  }
  protected secretArn(): string | undefined {
    return this.provider.clientSecretArn;
  }
  protected actions(): string[] {
    return [AgentCoreIdentityNames.GET_RESOURCE_OAUTH2_TOKEN];
  }
  protected path(): string {
    return this.provider.node.path;
  }
  protected flow(): string {
    return this.oauthFlow.value;
  }

  protected validateScopes(agent: IAgentIdentity, actsForUsers: boolean, scopes?: string[]): string[] {
    if (!(this.oauthFlow instanceof OAuth2Flow)) {
      failAt(
        agent,
        'CredentialProvider.oauth2 flow must be OAuth2Flow.CLIENT_CREDENTIALS or OAuth2Flow.USER_DELEGATED',
      );
    }
    if (this.oauthFlow === OAuth2Flow.USER_DELEGATED && !actsForUsers) {
      failAt(
        agent,
        'a user-delegated OAuth2 provider needs an agent that acts for users; declare actsForUsers: UserDelegation.throughInboundJwt({ scopes }) on its workload identity',
      );
    }
    return validateAllowList(agent, 'grantCredentials scopes', scopes) ?? [];
  }
}

class ApiKeyProvider extends CredentialProvider {
  public readonly kind = 'api-key';

  constructor(private readonly provider: agentcore.IApiKeyCredentialProvider) {
    super();
  }

  protected providerArn(): string {
    return this.provider?.credentialProviderArn;
  }
  protected secretArn(): string | undefined {
    return this.provider.apiKeySecretArn;
  }
  protected actions(): string[] {
    return [AgentCoreIdentityNames.GET_RESOURCE_API_KEY];
  }
  protected path(): string {
    return this.provider.node.path;
  }

  protected validateScopes(agent: IAgentIdentity, _actsForUsers: boolean, scopes?: string[]): string[] {
    if (scopes !== undefined) {
      failAt(agent, `an API-key provider has no scopes, got ${show(scopes)}; leave scopes out`);
    }
    return [];
  }
}
