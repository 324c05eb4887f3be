import { App, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import {
  AgentAuditTrail,
  AgentIdentity,
  AgentRuntime,
  AgentWorkloadIdentity,
  CredentialProvider,
  OAuth2Flow,
} from '../../lib';
import { addExampleChecks } from '../_shared/example-checks';
import { EXAMPLE_ENV } from '../_shared/example-env';

/** The agent's name: also the name of its AgentCore workload identity. */
export const AGENT_NAME = 'invoice-sync';
/** The only OAuth2 scope the agent may request from the billing SaaS. */
export const BILLING_SCOPE = 'invoices.read';
/** The audience of the AWS-signed JWT the LLM gateway accepts instead of an API key. */
export const LLM_AUDIENCE = 'https://llm-gateway.example.com';

/**
 * SaaS connector: an agent that syncs invoices from a billing SaaS with an OAuth2 client-credentials
 * token from the AgentCore token vault — never holding the client secret — and calls an LLM gateway
 * that accepts AWS-signed JWTs, so no API key is stored at all.
 */
export function buildApp(app: App): Stack[] {
  const stack = new Stack(app, 'SaasConnectorExample', { env: EXAMPLE_ENV });
  const trail = new AgentAuditTrail(stack, 'Audit', { retention: Duration.days(400) });

  // The billing SaaS's OAuth2 client, registered once in the token vault. Its client secret comes
  // from Secrets Manager at deploy time and is kept by the vault, never by the agent.
  const billing = agentcore.OAuth2CredentialProvider.usingCustom(stack, 'Billing', {
    oAuth2CredentialProviderName: 'billing-saas',
    clientId: 'invoice-sync-agent',
    clientSecret: SecretValue.secretsManager('billing-saas/client-secret'),
    discoveryUrl: 'https://auth.billing.example.com/.well-known/openid-configuration',
  });

  const agent = new AgentIdentity(stack, 'InvoiceSync', {
    agentName: AGENT_NAME,
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    owner: 'finance-platform@example.com',
    auditTrail: trail,
    workloadIdentity: AgentWorkloadIdentity.create(),
  });
  agent.grantCredentials(CredentialProvider.oauth2(billing, { flow: OAuth2Flow.CLIENT_CREDENTIALS }), {
    scopes: [BILLING_SCOPE],
  });
  agent.grantWebIdentityToken({ audience: LLM_AUDIENCE, maxDuration: Duration.minutes(5) });

  return [stack];
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  addExampleChecks(app);
  app.synth();
}
