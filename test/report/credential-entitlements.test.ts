import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  AgentWorkloadIdentity,
  CredentialProvider,
  InboundJwtAuthorizer,
  OAuth2Flow,
  UserDelegation,
} from '../../lib';
import {
  buildEntitlementReport,
  diffEntitlementReports,
  renderEntitlementMarkdown,
} from '../../lib/report/report-format';
import { ISSUER, agentWithIdentity, credentialsApp, supportAuthorizer } from '../credentials/fixtures';

interface Options {
  readonly scopes?: string[];
  readonly llm?: boolean;
  readonly audience?: string;
  readonly maxDuration?: Duration;
  readonly clients?: string[];
}

/** One agent acting for support users through the CRM, reported from its template. */
function report(options: Options = {}) {
  const { stack, crm, llm } = credentialsApp();
  const agent = agentWithIdentity(stack, 'Resolver', 'complaint-resolver', {
    workloadIdentity: AgentWorkloadIdentity.create({
      inboundAuthorizer: options.clients ? supportAuthorizerWith(options.clients) : supportAuthorizer(),
      actsForUsers: UserDelegation.throughInboundJwt({ scopes: ['crm.records.write'] }),
    }),
  });
  agent.grantCredentials(CredentialProvider.oauth2(crm, { flow: OAuth2Flow.USER_DELEGATED }), {
    scopes: options.scopes ?? ['crm.records.write'],
  });
  if (options.llm) agent.grantCredentials(CredentialProvider.apiKey(llm));
  agent.grantWebIdentityToken({
    audience: options.audience ?? 'https://api.llm.example.com',
    maxDuration: options.maxDuration,
  });
  const template = Template.fromStack(stack).toJSON();
  return buildEntitlementReport([{ stackName: stack.stackName, template }]);
}

function supportAuthorizerWith(clients: string[]) {
  return InboundJwtAuthorizer.oidc({
    discoveryUrl: `${ISSUER}/.well-known/openid-configuration`,
    allowedAudiences: ['complaint-resolver'],
    allowedClients: clients,
  });
}

describe('entitlement report: identity beyond IAM', () => {
  test('lists workload identity, provider with flow and scopes, inbound authorizer, delegation and web identity tokens', () => {
    const credentials = report().agents[0].credentials!;
    expect(credentials.obtainedBy).toBe('agent');
    expect(credentials.workloadIdentities).toEqual([
      {
        identity: expect.stringMatching(/^\$\{ResolverWorkloadIdentity[A-Z0-9]+\.WorkloadIdentityArn\}$/),
        actions: ['bedrock-agentcore:GetWorkloadAccessTokenForJWT'],
        conditions: {
          'ForAnyValue:StringEquals': { 'bedrock-agentcore:InboundJwtClaim/aud': ['complaint-resolver'] },
          StringEquals: {
            'bedrock-agentcore:InboundJwtClaim/client_id': ['support-portal'],
            'bedrock-agentcore:InboundJwtClaim/iss': [ISSUER],
          },
        },
      },
    ]);
    expect(credentials.providers).toEqual([
      {
        provider: expect.stringMatching(/^\$\{Crm[A-Z0-9]+\.CredentialProviderArn\}$/),
        kind: 'oauth2',
        flow: 'user-delegated',
        scopes: ['crm.records.write'],
        actions: ['bedrock-agentcore:GetResourceOauth2Token'],
        workloadIdentities: [expect.stringMatching(/WorkloadIdentityArn/)],
      },
    ]);
    expect(credentials.inboundAuthorizer).toEqual({
      discoveryUrl: `${ISSUER}/.well-known/openid-configuration`,
      issuer: ISSUER,
      allowedAudiences: ['complaint-resolver'],
      allowedClients: ['support-portal'],
      allowedScopes: [],
    });
    expect(credentials.userDelegation).toEqual({
      via: 'inbound-jwt',
      issuer: ISSUER,
      scopes: ['crm.records.write'],
      reason: null,
      summary: `acts for users of ${ISSUER}, scopes crm.records.write`,
    });
    expect(credentials.webIdentityTokens).toEqual([
      { audiences: ['https://api.llm.example.com'], maxDurationSeconds: 300 },
    ]);
  });

  test('the Markdown shows whom the agent acts for and its providers', () => {
    const md = renderEntitlementMarkdown(report());
    expect(md).toContain('### Identity beyond IAM');
    expect(md).toContain(`acts for users of ${ISSUER}, scopes crm.records.write`);
    expect(md).toMatch(/user-delegated; scopes `crm.records.write`/);
    expect(md).toContain('audience `https://api.llm.example.com`, at most 300 s');
  });

  test('an agent without AgentCore credentials has no credentials field', () => {
    const { stack } = credentialsApp();
    agentWithIdentity(stack, 'Plain', 'plain-agent', { workloadIdentity: undefined });
    const r = buildEntitlementReport([{ stackName: 'Agents', template: Template.fromStack(stack).toJSON() }]);
    expect(r.agents[0].credentials).toBeUndefined();
  });

  describe('diff', () => {
    const baseline = report();
    const widened = (current: ReturnType<typeof report>) =>
      diffEntitlementReports(baseline, current)
        .changes.filter((c) => c.widened)
        .map((c) => c.kind);

    test('the same app does not change', () => {
      expect(diffEntitlementReports(baseline, report()).changes).toEqual([]);
    });
    test('a new scope is a widening', () => {
      expect(widened(report({ scopes: ['crm.records.write', 'crm.admin'] }))).toEqual([
        'credential-scope-added',
      ]);
    });
    test('a new provider is a widening', () => {
      expect(widened(report({ llm: true }))).toContain('credential-provider-added');
    });
    test('a new web identity audience is a widening', () => {
      expect(widened(report({ audience: 'https://other.example.com' }))).toContain(
        'web-identity-audience-added',
      );
    });
    test('a longer web identity token is a widening', () => {
      expect(widened(report({ maxDuration: Duration.minutes(30) }))).toContain(
        'web-identity-duration-lengthened',
      );
    });
    test('a new inbound client is a widening', () => {
      expect(widened(report({ clients: ['support-portal', 'partner-portal'] }))).toContain(
        'inbound-callers-widened',
      );
    });
    test('a removed scope narrows', () => {
      const d = diffEntitlementReports(report({ scopes: ['crm.records.write', 'crm.admin'] }), baseline);
      expect(d.changes.map((c) => [c.kind, c.widened])).toContainEqual(['credential-scope-removed', false]);
      expect(d.widened).toBe(false);
    });
  });
});
