import { App, Duration, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import {
  AgentAuditTrail,
  AgentEntitlementReport,
  AgentIdentity,
  AgentIdentityChecks,
  AgentRuntime,
  AgentWorkloadIdentity,
  CredentialProvider,
  InboundJwtAuthorizer,
  OAuth2Flow,
  UserDelegation,
} from '../../lib';

export function buildApp(app: App): Stack {
  const stack = new Stack(app, 'AgentCoreQuickstart', {
    env: { account: '111111111111', region: 'us-east-1' },
  });
  const trail = new AgentAuditTrail(stack, 'Audit', { retention: Duration.days(400) });

  // Who may call the agent: users of the support portal, proven by their OIDC token.
  const supportPortal = InboundJwtAuthorizer.oidc({
    discoveryUrl: 'https://login.example.com/realms/support/.well-known/openid-configuration',
    allowedClients: ['support-portal'],
  });

  // The CRM's OAuth2 client, kept in the AgentCore token vault: the agent never holds its secret.
  const crm = agentcore.OAuth2CredentialProvider.usingCustom(stack, 'Crm', {
    oAuth2CredentialProviderName: 'crm',
    clientId: 'support-assistant',
    clientSecret: SecretValue.secretsManager('crm/support-assistant/client-secret'),
    discoveryUrl: 'https://auth.crm.example.com/.well-known/openid-configuration',
  });

  // The agent, with its own AgentCore workload identity (named after it, tagged ai:*). It acts for
  // the calling user only through that user's JWT, and gets the user's delegated CRM token.
  const assistant = new AgentIdentity(stack, 'Assistant', {
    agentName: 'support-assistant',
    runtime: AgentRuntime.lambdaFunction(),
    owner: 'support-platform@example.com',
    auditTrail: trail,
    workloadIdentity: AgentWorkloadIdentity.create({
      inboundAuthorizer: supportPortal,
      actsForUsers: UserDelegation.throughInboundJwt({ scopes: ['crm.read'] }),
    }),
  });
  assistant.grantCredentials(CredentialProvider.oauth2(crm, { flow: OAuth2Flow.USER_DELEGATED }), {
    scopes: ['crm.read'],
  });

  // An LLM provider that accepts AWS-signed JWTs: no API key stored anywhere.
  assistant.grantWebIdentityToken({ audience: 'https://llm.example.com', maxDuration: Duration.minutes(5) });

  Validations.of(app).addPlugins(new AgentIdentityChecks(app), new AgentEntitlementReport(app));
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
