import { CfnResource, Lazy } from 'aws-cdk-lib';
import type { IAgentIdentity } from '../../identity/agent-capabilities';
import { AgentCoreIdentityNames } from '../../shared/agentcore-identity';

/** A credential provider granted to an agent, as declared. */
export interface DeclaredProvider {
  readonly provider: string;
  readonly kind: string;
  readonly flow?: string;
  readonly scopes: string[];
}

/** What an agent declared about its AgentCore credentials; rendered into its role's metadata. */
export interface CredentialsDeclaration {
  workloadIdentity?: string;
  obtainedBy?: string;
  inboundAuthorizer?: {
    discoveryUrl: string;
    issuer?: string;
    allowedAudiences?: string[];
    allowedClients?: string[];
    allowedScopes?: string[];
  };
  userDelegation?: { via: string; issuer?: string; scopes: string[]; reason?: string };
  readonly providers: DeclaredProvider[];
}

const DECLARATIONS = new WeakMap<IAgentIdentity, CredentialsDeclaration>();

/**
 * The declaration of `agent`, created on first use and rendered (lazily, so later grants are
 * included) as `Metadata['cdk-agent-identity:credentials']` of the agent's role, where the checks
 * and the entitlement report read it back from the template.
 */
export function declarationOf(agent: IAgentIdentity): CredentialsDeclaration {
  const declaration = DECLARATIONS.get(agent);
  if (declaration) return declaration;
  const created: CredentialsDeclaration = { providers: [] };
  DECLARATIONS.set(agent, created);
  const cfn = agent.role.node.defaultChild;
  if (CfnResource.isCfnResource(cfn)) {
    cfn.addMetadata(AgentCoreIdentityNames.METADATA_KEY, Lazy.any({ produce: () => render(created) }));
  }
  return created;
}

function render(d: CredentialsDeclaration): Record<string, unknown> {
  return {
    ...(d.workloadIdentity !== undefined ? { workloadIdentity: d.workloadIdentity } : {}),
    ...(d.obtainedBy !== undefined ? { obtainedBy: d.obtainedBy } : {}),
    ...(d.inboundAuthorizer ? { inboundAuthorizer: d.inboundAuthorizer } : {}),
    ...(d.userDelegation ? { userDelegation: d.userDelegation } : {}),
    providers: d.providers,
  };
}
