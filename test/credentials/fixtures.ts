import { App, SecretValue, Stack } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import {
  AgentIdentity,
  AgentIdentityProps,
  AgentRuntime,
  AgentWorkloadIdentity,
  InboundJwtAuthorizer,
} from '../../lib';

export const ENV = { account: '111111111111', region: 'us-east-1' };
export const DISCOVERY_URL = 'https://login.example.com/realms/support/.well-known/openid-configuration';
export const ISSUER = 'https://login.example.com/realms/support';

export interface CredentialsApp {
  readonly app: App;
  readonly stack: Stack;
  readonly crm: agentcore.OAuth2CredentialProvider;
  readonly llm: agentcore.ApiKeyCredentialProvider;
}

/** A stack with one OAuth2 (client credentials) and one API-key provider of the token vault. */
export function credentialsApp(): CredentialsApp {
  const app = new App();
  const stack = new Stack(app, 'Agents', { env: ENV });
  const crm = agentcore.OAuth2CredentialProvider.usingCustom(stack, 'Crm', {
    oAuth2CredentialProviderName: 'crm',
    clientId: 'agent-client',
    clientSecret: SecretValue.secretsManager('crm-client-secret'),
    discoveryUrl: 'https://crm.example.com/.well-known/openid-configuration',
  });
  const llm = new agentcore.ApiKeyCredentialProvider(stack, 'Llm', {
    apiKeyCredentialProviderName: 'llm',
    apiKey: SecretValue.secretsManager('llm-api-key'),
  });
  return { app, stack, crm, llm };
}

/** A lambda agent of tenant acme with its own workload identity. */
export function agentWithIdentity(
  stack: Stack,
  id: string,
  agentName: string,
  props: Partial<AgentIdentityProps> = {},
): AgentIdentity {
  return new AgentIdentity(stack, id, {
    agentName,
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    owner: 'support-platform@example.com',
    workloadIdentity: AgentWorkloadIdentity.create(),
    ...props,
  });
}

/** The support portal's OIDC authorizer. */
export function supportAuthorizer(): InboundJwtAuthorizer {
  return InboundJwtAuthorizer.oidc({
    discoveryUrl: DISCOVERY_URL,
    allowedAudiences: ['complaint-resolver'],
    allowedClients: ['support-portal'],
  });
}
