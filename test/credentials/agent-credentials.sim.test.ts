import { Template } from 'aws-cdk-lib/assertions';
import { AgentWorkloadIdentity, CredentialProvider, OAuth2Flow, UserDelegation } from '../../lib';
import { agentRoleId, rolePolicies, simulate } from '../helpers/simulate';
import { ISSUER, agentWithIdentity, credentialsApp, supportAuthorizer } from './fixtures';

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:111111111111';
const DIRECTORY = `${ARN}:workload-identity-directory/default`;
const identityArn = (name: string) => `${DIRECTORY}/workload-identity/${name}`;
const VAULT = `${ARN}:token-vault/default`;
const CRM = `${VAULT}/oauth2credentialprovider/crm`;
const LLM = `${VAULT}/apikeycredentialprovider/llm`;
const VAULT_SECRET =
  'arn:aws:secretsmanager:us-east-1:111111111111:secret:bedrock-agentcore-identity!default/oauth2/crm-AbCdEf';

/**
 * Two agents of the same tenant, each with its own workload identity: A is granted the CRM
 * (OAuth2 client credentials) and the LLM key; B is granted nothing of the token vault. C acts for
 * users through the inbound JWT; D by user id with a reason.
 */
function fleet() {
  const { stack, crm, llm } = credentialsApp();
  const a = agentWithIdentity(stack, 'A', 'agent-a');
  a.grantCredentials(CredentialProvider.oauth2(crm), { scopes: ['crm.read'] });
  a.grantCredentials(CredentialProvider.apiKey(llm));
  agentWithIdentity(stack, 'B', 'agent-b');
  const c = agentWithIdentity(stack, 'C', 'agent-c', {
    workloadIdentity: AgentWorkloadIdentity.create({
      inboundAuthorizer: supportAuthorizer(),
      actsForUsers: UserDelegation.throughInboundJwt({ scopes: ['crm.records.write'] }),
    }),
  });
  c.grantCredentials(CredentialProvider.oauth2(crm, { flow: OAuth2Flow.USER_DELEGATED }), {
    scopes: ['crm.records.write'],
  });
  agentWithIdentity(stack, 'D', 'agent-d', {
    workloadIdentity: AgentWorkloadIdentity.create({
      actsForUsers: UserDelegation.byUserId({
        reason: 'nightly batch re-syncs each subscriber’s calendar without the user present',
      }),
    }),
  });
  const json = Template.fromStack(stack).toJSON();
  return {
    a: rolePolicies(json, agentRoleId(json, 'agent-a')),
    b: rolePolicies(json, agentRoleId(json, 'agent-b')),
    c: rolePolicies(json, agentRoleId(json, 'agent-c')),
    d: rolePolicies(json, agentRoleId(json, 'agent-d')),
  };
}

describe('AgentCore credentials (IAM simulation)', () => {
  const roles = fleet();

  test('an agent gets workload access tokens for its own identity only', async () => {
    const { a, b } = roles;
    const token = 'bedrock-agentcore:GetWorkloadAccessToken';
    expect(await simulate(a, { action: token, resource: identityArn('agent-a') })).toBe('Allowed');
    expect(await simulate(a, { action: token, resource: DIRECTORY })).toBe('Allowed');
    // another agent of the same tenant cannot mint tokens as A, nor A as B
    expect(await simulate(b, { action: token, resource: identityArn('agent-a') })).toBe('ExplicitlyDenied');
    expect(await simulate(a, { action: token, resource: identityArn('agent-b') })).toBe('ExplicitlyDenied');
  });

  test('an agent fetches tokens only of its granted providers, for its own identity', async () => {
    const { a, b } = roles;
    const oauth = 'bedrock-agentcore:GetResourceOauth2Token';
    const apiKey = 'bedrock-agentcore:GetResourceApiKey';
    for (const resource of [CRM, VAULT, DIRECTORY, identityArn('agent-a')]) {
      expect(await simulate(a, { action: oauth, resource })).toBe('Allowed');
    }
    expect(await simulate(a, { action: apiKey, resource: LLM })).toBe('Allowed');
    // A's grant does not reach another provider or another agent's identity
    expect(await simulate(a, { action: oauth, resource: `${VAULT}/oauth2credentialprovider/payroll` })).toBe(
      'ImplicitlyDenied',
    );
    expect(await simulate(a, { action: oauth, resource: identityArn('agent-b') })).toBe('ExplicitlyDenied');
    // B, same tenant, can fetch neither A's tokens nor the providers
    expect(await simulate(b, { action: oauth, resource: CRM })).toBe('ImplicitlyDenied');
    expect(await simulate(b, { action: oauth, resource: identityArn('agent-b') })).toBe('ImplicitlyDenied');
    expect(await simulate(b, { action: oauth, resource: identityArn('agent-a') })).toBe('ExplicitlyDenied');
    expect(await simulate(b, { action: apiKey, resource: LLM })).toBe('ImplicitlyDenied');
  });

  test('the stored provider secret is readable only through a service (the token vault), never directly', async () => {
    const { a, b } = roles;
    const read = 'secretsmanager:GetSecretValue';
    expect(
      await simulate(a, { action: read, resource: VAULT_SECRET, context: { 'aws:ViaAWSService': 'true' } }),
    ).toBe('Allowed');
    expect(await simulate(a, { action: read, resource: VAULT_SECRET })).toBe('ImplicitlyDenied');
    expect(
      await simulate(a, { action: read, resource: VAULT_SECRET, context: { 'aws:ViaAWSService': 'false' } }),
    ).toBe('ImplicitlyDenied');
    expect(
      await simulate(b, { action: read, resource: VAULT_SECRET, context: { 'aws:ViaAWSService': 'true' } }),
    ).toBe('ImplicitlyDenied');
  });

  test('GetWorkloadAccessTokenForUserId is denied unless declared with a reason', async () => {
    const { a, c, d } = roles;
    const forUser = 'bedrock-agentcore:GetWorkloadAccessTokenForUserId';
    expect(await simulate(a, { action: forUser, resource: identityArn('agent-a') })).toBe('ExplicitlyDenied');
    expect(await simulate(c, { action: forUser, resource: identityArn('agent-c') })).toBe('ExplicitlyDenied');
    expect(await simulate(d, { action: forUser, resource: identityArn('agent-d') })).toBe('Allowed');
    expect(await simulate(d, { action: forUser, resource: identityArn('agent-a') })).toBe('ExplicitlyDenied');
  });

  test('a user-delegated agent exchanges only inbound JWTs of its issuer and audience or client', async () => {
    const { a, c } = roles;
    const forJwt = 'bedrock-agentcore:GetWorkloadAccessTokenForJWT';
    const good = {
      'bedrock-agentcore:InboundJwtClaim/iss': ISSUER,
      'bedrock-agentcore:InboundJwtClaim/aud': ['complaint-resolver'],
      'bedrock-agentcore:InboundJwtClaim/client_id': 'support-portal',
    };
    const resource = identityArn('agent-c');
    expect(await simulate(c, { action: forJwt, resource, context: good })).toBe('Allowed');
    expect(
      await simulate(c, {
        action: forJwt,
        resource,
        context: { ...good, 'bedrock-agentcore:InboundJwtClaim/iss': 'https://evil.example.com' },
      }),
    ).toBe('ImplicitlyDenied');
    expect(
      await simulate(c, {
        action: forJwt,
        resource,
        context: { ...good, 'bedrock-agentcore:InboundJwtClaim/aud': ['another-app'] },
      }),
    ).toBe('ImplicitlyDenied');
    expect(
      await simulate(c, {
        action: forJwt,
        resource,
        context: { ...good, 'bedrock-agentcore:InboundJwtClaim/client_id': 'other-client' },
      }),
    ).toBe('ImplicitlyDenied');
    // it cannot mint a token without a user, and an agent that does not act for users has no ForJWT
    expect(await simulate(c, { action: 'bedrock-agentcore:GetWorkloadAccessToken', resource })).toBe(
      'ImplicitlyDenied',
    );
    expect(await simulate(a, { action: forJwt, resource: identityArn('agent-a'), context: good })).toBe(
      'ImplicitlyDenied',
    );
  });

  test('web identity tokens: one audience, bounded lifetime, lifetime required', async () => {
    const { stack } = credentialsApp();
    const agent = agentWithIdentity(stack, 'W', 'agent-w');
    agent.grantWebIdentityToken({ audience: 'https://api.llm.example.com' });
    const json = Template.fromStack(stack).toJSON();
    const role = rolePolicies(json, agentRoleId(json, 'agent-w'));
    const action = 'sts:GetWebIdentityToken';
    const ok = { 'sts:IdentityTokenAudience': ['https://api.llm.example.com'], 'sts:DurationSeconds': '300' };
    expect(await simulate(role, { action, resource: '*', context: ok })).toBe('Allowed');
    expect(
      await simulate(role, { action, resource: '*', context: { ...ok, 'sts:DurationSeconds': '301' } }),
    ).toBe('ImplicitlyDenied');
    expect(
      await simulate(role, {
        action,
        resource: '*',
        context: {
          ...ok,
          'sts:IdentityTokenAudience': ['https://api.llm.example.com', 'https://other.example.com'],
        },
      }),
    ).toBe('ImplicitlyDenied');
    expect(await simulate(role, { action, resource: '*', context: { 'sts:DurationSeconds': '300' } })).toBe(
      'ImplicitlyDenied',
    );
    expect(
      await simulate(role, {
        action,
        resource: '*',
        context: { 'sts:IdentityTokenAudience': ['https://api.llm.example.com'] },
      }),
    ).toBe('ImplicitlyDenied');
  });
});
