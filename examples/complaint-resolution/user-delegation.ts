import { SecretValue, Stack } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import {
  AgentIdentity,
  AgentRuntime,
  AgentWorkloadIdentity,
  CredentialProvider,
  DataClassification,
  IAgentAuditTrail,
  InboundJwtAuthorizer,
  OAuth2Flow,
  UserDelegation,
} from '../../lib';

/** The agent that updates a CRM record for the support user who asked. */
export const RESOLVER_NAME = 'complaint-resolver';
/** The support portal's identity provider (its tokens are the users' proof). */
export const SUPPORT_ISSUER = 'https://login.support.example.com/realms/support';
/** The support portal's OAuth2 client: the only caller of the resolver. */
export const SUPPORT_PORTAL_CLIENT = 'support-portal';
/** The audience of the tokens the portal sends to the resolver. */
export const RESOLVER_AUDIENCE = 'complaint-resolver';
/** The one delegated scope: update a CRM record, as the signed-in support user. */
export const CRM_SCOPE = 'crm.records.write';

/**
 * On behalf of a user: the resolver agent is called by the support portal with the signed-in
 * support user's JWT, exchanges exactly that JWT for a workload access token (only tokens of the
 * portal's issuer, client and audience), and gets the user's delegated CRM token from the token
 * vault to update the one record the user is working on. It has no standing CRM key: no token
 * without a user, no user named by id, no read of the CRM client secret.
 */
export function addUserDelegatedResolver(stack: Stack, auditTrail: IAgentAuditTrail): AgentIdentity {
  const crm = agentcore.OAuth2CredentialProvider.usingCustom(stack, 'CrmOAuth', {
    oAuth2CredentialProviderName: 'crm-user-delegated',
    clientId: 'complaint-resolver',
    clientSecret: SecretValue.secretsManager('crm/complaint-resolver/client-secret'),
    discoveryUrl: 'https://auth.crm.example.com/.well-known/openid-configuration',
  });
  const supportPortal = InboundJwtAuthorizer.oidc({
    discoveryUrl: `${SUPPORT_ISSUER}/.well-known/openid-configuration`,
    allowedClients: [SUPPORT_PORTAL_CLIENT],
    allowedAudiences: [RESOLVER_AUDIENCE],
  });
  const resolver = new AgentIdentity(stack, 'Resolver', {
    agentName: RESOLVER_NAME,
    runtime: AgentRuntime.lambdaFunction(),
    clearance: DataClassification.CONFIDENTIAL,
    owner: 'customer-care@example.com',
    auditTrail,
    workloadIdentity: AgentWorkloadIdentity.create({
      inboundAuthorizer: supportPortal,
      actsForUsers: UserDelegation.throughInboundJwt({ scopes: [CRM_SCOPE] }),
    }),
  });
  resolver.grantCredentials(CredentialProvider.oauth2(crm, { flow: OAuth2Flow.USER_DELEGATED }), {
    scopes: [CRM_SCOPE],
  });
  return resolver;
}
