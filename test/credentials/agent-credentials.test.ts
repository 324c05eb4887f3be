/* eslint-disable @typescript-eslint/no-explicit-any */
import { Duration } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  AgentWorkloadIdentity,
  CredentialProvider,
  InboundJwtAuthorizer,
  OAuth2Flow,
  UserDelegation,
} from '../../lib';
import { DISCOVERY_URL, ISSUER, agentWithIdentity, credentialsApp, supportAuthorizer } from './fixtures';

const METADATA = 'cdk-agent-identity:credentials';

function roleOf(template: Template, agentName: string): Record<string, any> {
  const roles = template.findResources('AWS::IAM::Role', {
    Properties: { Tags: Match.arrayWith([{ Key: 'ai:agent', Value: agentName }]) },
  });
  return Object.values(roles)[0];
}

function statementsOf(role: Record<string, any>): any[] {
  return role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
}

describe('AgentWorkloadIdentity', () => {
  test('create() makes a workload identity named after the agent, carrying its ai:* tags', () => {
    // GIVEN / WHEN
    const { stack } = credentialsApp();
    agentWithIdentity(stack, 'A', 'agent-a', {
      workloadIdentity: AgentWorkloadIdentity.create({
        allowedReturnUrls: ['https://portal.example.com/done'],
      }),
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::BedrockAgentCore::WorkloadIdentity', {
      Name: 'agent-a',
      AllowedResourceOauth2ReturnUrls: ['https://portal.example.com/done'],
      Tags: Match.arrayWith([
        { Key: 'ai:agent', Value: 'agent-a' },
        { Key: 'ai:clearance', Value: 'internal' },
        { Key: 'ai:owner', Value: 'support-platform@example.com' },
        { Key: 'ai:tenant', Value: 'acme' },
      ]),
    });
  });

  test('an agent acting as itself gets GetWorkloadAccessToken on its own identity and the directory, nothing else', () => {
    const { stack } = credentialsApp();
    const agent = agentWithIdentity(stack, 'A', 'agent-a');
    const t = Template.fromStack(stack);
    const token = statementsOf(roleOf(t, 'agent-a')).filter(
      (s) => s.Effect === 'Allow' && JSON.stringify(s.Action).includes('bedrock-agentcore'),
    );
    expect(token).toHaveLength(1);
    expect(token[0].Action).toBe('bedrock-agentcore:GetWorkloadAccessToken');
    expect(token[0].Condition).toBeUndefined();
    expect(JSON.stringify(token[0].Resource)).toContain('WorkloadIdentityArn');
    expect(JSON.stringify(token[0].Resource)).toContain('workload-identity-directory/default"');
    expect(agent.workloadIdentity?.obtainedBy).toBe('agent');
    // the fence: denies on every other identity, and on ForUserId (not declared)
    const denies = statementsOf(roleOf(t, 'agent-a')).filter(
      (s) => s.Effect === 'Deny' && s.Sid !== undefined,
    );
    expect(denies.map((s) => s.Sid)).toEqual(
      expect.arrayContaining(['OnlyOwnWorkloadIdentity', 'NoUserIdDelegation']),
    );
    expect(agent.entitlements.map((e) => e.kind)).toContain('workload-identity');
  });

  test('throughInboundJwt grants only GetWorkloadAccessTokenForJWT, pinned to issuer, client and audience', () => {
    const { stack } = credentialsApp();
    agentWithIdentity(stack, 'C', 'agent-c', {
      workloadIdentity: AgentWorkloadIdentity.create({
        inboundAuthorizer: supportAuthorizer(),
        actsForUsers: UserDelegation.throughInboundJwt({ scopes: ['crm.records.write'] }),
      }),
    });
    const role = roleOf(Template.fromStack(stack), 'agent-c');
    const token = statementsOf(role).filter(
      (s) => s.Effect === 'Allow' && JSON.stringify(s.Action).includes('bedrock-agentcore'),
    );
    expect(token).toHaveLength(1);
    expect(token[0].Action).toBe('bedrock-agentcore:GetWorkloadAccessTokenForJWT');
    expect(token[0].Condition).toEqual({
      StringEquals: {
        'bedrock-agentcore:InboundJwtClaim/iss': ISSUER,
        'bedrock-agentcore:InboundJwtClaim/client_id': ['support-portal'],
      },
      'ForAnyValue:StringEquals': { 'bedrock-agentcore:InboundJwtClaim/aud': ['complaint-resolver'] },
    });
    expect(role.Metadata[METADATA]).toMatchObject({
      obtainedBy: 'agent',
      inboundAuthorizer: {
        discoveryUrl: DISCOVERY_URL,
        issuer: ISSUER,
        allowedAudiences: ['complaint-resolver'],
        allowedClients: ['support-portal'],
      },
      userDelegation: { via: 'inbound-jwt', issuer: ISSUER, scopes: ['crm.records.write'] },
    });
  });

  test('byUserId grants GetWorkloadAccessTokenForUserId and records the reason', () => {
    const { stack } = credentialsApp();
    const reason = 'nightly batch re-syncs each subscriber calendar without the user present';
    agentWithIdentity(stack, 'D', 'agent-d', {
      workloadIdentity: AgentWorkloadIdentity.create({ actsForUsers: UserDelegation.byUserId({ reason }) }),
    });
    const role = roleOf(Template.fromStack(stack), 'agent-d');
    expect(statementsOf(role).map((s) => s.Action)).toContain(
      'bedrock-agentcore:GetWorkloadAccessTokenForUserId',
    );
    expect(role.Metadata[METADATA].userDelegation).toEqual({ via: 'user-id', scopes: [], reason });
  });

  test('fromWorkloadIdentity uses the given identity and creates none', () => {
    const { stack } = credentialsApp();
    const given = agentcore.WorkloadIdentity.fromWorkloadIdentityAttributes(stack, 'Given', {
      workloadIdentityArn:
        'arn:aws:bedrock-agentcore:us-east-1:111111111111:workload-identity-directory/default/workload-identity/agent-g',
      workloadIdentityName: 'agent-g',
    });
    const agent = agentWithIdentity(stack, 'G', 'agent-g', {
      workloadIdentity: AgentWorkloadIdentity.fromWorkloadIdentity(given),
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::BedrockAgentCore::WorkloadIdentity', 0);
    expect(agent.workloadIdentity?.workloadIdentityName).toBe('agent-g');
    expect(JSON.stringify(statementsOf(roleOf(t, 'agent-g')))).toContain('workload-identity/agent-g');
  });

  test.each([
    [
      'a second workload identity',
      (s: any) => s.agent.useWorkloadIdentity(AgentWorkloadIdentity.create()),
      /already has the workload identity "agent-a"/,
    ],
  ])('rejects %s', (_name, act, message) => {
    const { stack } = credentialsApp();
    const agent = agentWithIdentity(stack, 'A', 'agent-a');
    expect(() => act({ agent })).toThrow(message);
  });

  test.each<[string, () => AgentWorkloadIdentity, RegExp]>([
    [
      'an http discovery URL',
      () =>
        AgentWorkloadIdentity.create({
          inboundAuthorizer: InboundJwtAuthorizer.oidc({
            discoveryUrl: 'http://login.example.com/.well-known/openid-configuration',
            allowedClients: ['x'],
          }),
        }),
      /Agents\/A: inbound authorizer discoveryUrl "http:\/\/login.example.com.*must use https/,
    ],
    [
      'a discovery URL that is not the discovery document',
      () =>
        AgentWorkloadIdentity.create({
          inboundAuthorizer: InboundJwtAuthorizer.oidc({
            discoveryUrl: 'https://login.example.com/',
            allowedClients: ['x'],
          }),
        }),
      /must be the issuer's discovery document/,
    ],
    [
      'an empty allow list',
      () =>
        AgentWorkloadIdentity.create({
          inboundAuthorizer: InboundJwtAuthorizer.oidc({ discoveryUrl: DISCOVERY_URL, allowedAudiences: [] }),
        }),
      /allowedAudiences \[\] is empty/,
    ],
    [
      'no audiences and no clients',
      () =>
        AgentWorkloadIdentity.create({
          inboundAuthorizer: InboundJwtAuthorizer.oidc({ discoveryUrl: DISCOVERY_URL }),
        }),
      /needs allowedAudiences or allowedClients/,
    ],
    [
      'a wildcard client',
      () =>
        AgentWorkloadIdentity.create({
          inboundAuthorizer: InboundJwtAuthorizer.oidc({
            discoveryUrl: DISCOVERY_URL,
            allowedClients: ['*'],
          }),
        }),
      /allowedClients entry "\*"/,
    ],
    [
      'user delegation through the inbound JWT without an inbound authorizer',
      () =>
        AgentWorkloadIdentity.create({ actsForUsers: UserDelegation.throughInboundJwt({ scopes: ['a'] }) }),
      /needs inboundAuthorizer/,
    ],
    [
      'a user-id delegation without a real reason',
      () => AgentWorkloadIdentity.create({ actsForUsers: UserDelegation.byUserId({ reason: 'needed' }) }),
      /UserDelegation.byUserId reason "needed" must be a literal sentence of at least 20 characters/,
    ],
    [
      'an http return URL',
      () => AgentWorkloadIdentity.create({ allowedReturnUrls: ['http://portal.example.com'] }),
      /allowedReturnUrls entry "http:\/\/portal.example.com" must be an https URL/,
    ],
  ])('rejects %s at synth time, naming the agent', (_name, identity, message) => {
    const { stack } = credentialsApp();
    expect(() => agentWithIdentity(stack, 'A', 'agent-a', { workloadIdentity: identity() })).toThrow(message);
  });

  test('an explicit issuer and allowed scopes are pinned and recorded', () => {
    // GIVEN an authorizer whose issuer differs from its discovery URL's base
    const { stack } = credentialsApp();
    agentWithIdentity(stack, 'C', 'agent-c', {
      workloadIdentity: AgentWorkloadIdentity.create({
        inboundAuthorizer: InboundJwtAuthorizer.oidc({
          discoveryUrl: DISCOVERY_URL,
          issuer: 'https://issuer.example.com/support',
          allowedAudiences: ['complaint-resolver'],
          allowedScopes: ['crm.write'],
        }),
        actsForUsers: UserDelegation.throughInboundJwt({ scopes: ['crm.write'] }),
      }),
    });
    // THEN the ForJWT grant pins that issuer (and no client: none was listed)
    const role = roleOf(Template.fromStack(stack), 'agent-c');
    const forJwt = statementsOf(role).find(
      (s) => s.Action === 'bedrock-agentcore:GetWorkloadAccessTokenForJWT',
    );
    expect(forJwt.Condition.StringEquals).toEqual({
      'bedrock-agentcore:InboundJwtClaim/iss': 'https://issuer.example.com/support',
    });
    expect(role.Metadata[METADATA].inboundAuthorizer).toEqual({
      discoveryUrl: DISCOVERY_URL,
      issuer: 'https://issuer.example.com/support',
      allowedAudiences: ['complaint-resolver'],
      allowedScopes: ['crm.write'],
    });
  });

  test('rejects an issuer that is not an https URL, and a missing discovery URL', () => {
    const { stack } = credentialsApp();
    let n = 0;
    const withInbound = (props: any) => {
      n++;
      return agentWithIdentity(stack, `A${n}`, `agent-${n}x`, {
        workloadIdentity: AgentWorkloadIdentity.create({
          inboundAuthorizer: InboundJwtAuthorizer.oidc(props),
        }),
      });
    };
    expect(() =>
      withInbound({
        discoveryUrl: DISCOVERY_URL,
        allowedClients: ['x'],
        issuer: 'http://issuer.example.com',
      }),
    ).toThrow(/inbound authorizer issuer "http:\/\/issuer.example.com" must be an https URL/);
    expect(() => withInbound(undefined)).toThrow(/inbound authorizer discoveryUrl undefined is required/);
  });

  test('rejects an agent name too short for a workload identity', () => {
    const { stack } = credentialsApp();
    expect(() => agentWithIdentity(stack, 'A', 'ab')).toThrow(
      /agentName "ab" is too short to name a workload identity/,
    );
  });

  test('the inbound authorizer renders for a Runtime and a Gateway', () => {
    const { stack } = credentialsApp();
    const runtimeConfig = supportAuthorizer().forRuntime(stack);
    expect(runtimeConfig._render()).toMatchObject({
      customJwtAuthorizer: {
        discoveryUrl: DISCOVERY_URL,
        allowedAudience: ['complaint-resolver'],
        allowedClients: ['support-portal'],
      },
    });
    const gateway = supportAuthorizer().forGateway(stack) as any;
    expect(gateway.authorizerType).toBe('CUSTOM_JWT');
    expect(() =>
      InboundJwtAuthorizer.oidc({ discoveryUrl: DISCOVERY_URL, allowedScopes: [] }).forRuntime(stack),
    ).toThrow(/allowedScopes \[\] is empty/);
  });
});

describe('grantCredentials', () => {
  test('records provider, flow and scopes in the role metadata and the entitlements', () => {
    const { stack, crm, llm } = credentialsApp();
    const agent = agentWithIdentity(stack, 'A', 'agent-a');
    agent.grantCredentials(CredentialProvider.oauth2(crm), { scopes: ['crm.read', 'crm.write'] });
    agent.grantCredentials(CredentialProvider.apiKey(llm));
    const role = roleOf(Template.fromStack(stack), 'agent-a');
    expect(role.Metadata[METADATA].providers).toEqual([
      {
        provider: { 'Fn::GetAtt': [expect.stringMatching(/^Crm/), 'CredentialProviderArn'] },
        kind: 'oauth2',
        flow: 'client-credentials',
        scopes: ['crm.read', 'crm.write'],
      },
      {
        provider: { 'Fn::GetAtt': [expect.stringMatching(/^Llm/), 'CredentialProviderArn'] },
        kind: 'api-key',
        scopes: [],
      },
    ]);
    expect(
      agent.entitlements.filter((e) => e.kind === 'credential-provider').map((e) => e.description),
    ).toEqual([
      'oauth2 credentials of token-vault provider Agents/Crm (scopes crm.read crm.write)',
      'api-key credentials of token-vault provider Agents/Llm',
    ]);
  });

  test('an imported provider with a literal secret ARN is granted exactly that secret, via the vault only', () => {
    const { stack } = credentialsApp();
    const secretArn =
      'arn:aws:secretsmanager:us-east-1:111111111111:secret:bedrock-agentcore-identity!default/apikey/billing-AbCdEf';
    const billing = agentcore.ApiKeyCredentialProvider.fromApiKeyCredentialProviderAttributes(
      stack,
      'Billing',
      {
        credentialProviderArn:
          'arn:aws:bedrock-agentcore:us-east-1:111111111111:token-vault/default/apikeycredentialprovider/billing',
        apiKeySecretArn: secretArn,
      },
    );
    const agent = agentWithIdentity(stack, 'A', 'agent-a');
    agent.grantCredentials(CredentialProvider.apiKey(billing));
    const reads = statementsOf(roleOf(Template.fromStack(stack), 'agent-a')).filter(
      (s) => s.Action === 'secretsmanager:GetSecretValue',
    );
    expect(reads).toEqual([
      {
        Action: 'secretsmanager:GetSecretValue',
        Effect: 'Allow',
        Resource: secretArn,
        Condition: { Bool: { 'aws:ViaAWSService': 'true' } },
      },
    ]);
  });

  test.each<[string, (ctx: ReturnType<typeof credentialsApp>) => void, RegExp]>([
    [
      'a grant before the agent has a workload identity',
      ({ stack, crm }) =>
        agentWithIdentity(stack, 'A', 'agent-a', { workloadIdentity: undefined }).grantCredentials(
          CredentialProvider.oauth2(crm),
        ),
      /Agents\/A: grantCredentials needs the agent's own AgentCore workload identity first/,
    ],
    [
      'scopes on an API-key provider',
      ({ stack, llm }) =>
        agentWithIdentity(stack, 'A', 'agent-a').grantCredentials(CredentialProvider.apiKey(llm), {
          scopes: ['x'],
        }),
      /an API-key provider has no scopes/,
    ],
    [
      'an empty scope list',
      ({ stack, crm }) =>
        agentWithIdentity(stack, 'A', 'agent-a').grantCredentials(CredentialProvider.oauth2(crm), {
          scopes: [],
        }),
      /grantCredentials scopes \[\] is empty/,
    ],
    [
      'a user-delegated provider for an agent that does not act for users',
      ({ stack, crm }) =>
        agentWithIdentity(stack, 'A', 'agent-a').grantCredentials(
          CredentialProvider.oauth2(crm, { flow: OAuth2Flow.USER_DELEGATED }),
        ),
      /a user-delegated OAuth2 provider needs an agent that acts for users/,
    ],
    [
      'something that is not a CredentialProvider',
      ({ stack, crm }) => agentWithIdentity(stack, 'A', 'agent-a').grantCredentials(crm as any),
      /grantCredentials needs a CredentialProvider/,
    ],
  ])('rejects %s', (_name, act, message) => {
    const ctx = credentialsApp();
    expect(() => act(ctx)).toThrow(message);
  });
});

describe('grantWebIdentityToken', () => {
  test('pins audience and lifetime on sts:GetWebIdentityToken', () => {
    const { stack } = credentialsApp();
    const agent = agentWithIdentity(stack, 'W', 'agent-w', { workloadIdentity: undefined });
    agent.grantWebIdentityToken({
      audience: 'https://api.llm.example.com',
      maxDuration: Duration.minutes(10),
    });
    const statements = statementsOf(roleOf(Template.fromStack(stack), 'agent-w'));
    expect(statements).toContainEqual({
      Action: 'sts:GetWebIdentityToken',
      Effect: 'Allow',
      Resource: '*',
      Condition: {
        'ForAllValues:StringEquals': { 'sts:IdentityTokenAudience': ['https://api.llm.example.com'] },
        Null: { 'sts:IdentityTokenAudience': 'false', 'sts:DurationSeconds': 'false' },
        NumericLessThanEquals: { 'sts:DurationSeconds': '600' },
      },
    });
    expect(agent.entitlements.map((e) => e.kind)).toContain('web-identity-token');
  });

  test.each<[string, any, RegExp]>([
    [
      'a wildcard audience',
      { audience: 'https://*.example.com' },
      /audience "https:\/\/\*.example.com" has a wildcard/,
    ],
    ['an empty audience', { audience: '' }, /audience "" must be one literal/],
    [
      'a lifetime over one hour',
      { audience: 'a', maxDuration: Duration.hours(2) },
      /maxDuration 2 hours is outside 60 seconds to 1 hour/,
    ],
    [
      'a lifetime under a minute',
      { audience: 'a', maxDuration: Duration.seconds(30) },
      /outside 60 seconds to 1 hour/,
    ],
  ])('rejects %s', (_name, options, message) => {
    const { stack } = credentialsApp();
    const agent = agentWithIdentity(stack, 'W', 'agent-w', { workloadIdentity: undefined });
    expect(() => agent.grantWebIdentityToken(options)).toThrow(message);
  });
});
