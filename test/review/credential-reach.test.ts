import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GenerateServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { reviewAgentRoles } from '../../lib/review';
import { reachableCredentialProviders } from '../../lib/review/credential-reach';
import { ACCOUNT, NOW, awsError, completedJob, role } from './fixtures';

const VAULT = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default`;
const CRM = `${VAULT}/oauth2credentialprovider/crm`;
const LLM = `${VAULT}/apikeycredentialprovider/llm`;
const encode = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

describe('agent-identity review: credential providers an agent can reach', () => {
  test('lists the providers of inline and attached policies, per agent', async () => {
    // GIVEN one agent with a CRM grant inline and an LLM key through a managed policy
    const iam = mockClient(IAMClient);
    iam.on(ListRolesCommand).resolves({ Roles: [{ RoleName: 'resolver' } as never], IsTruncated: false });
    iam.on(GetRoleCommand).resolves({ Role: role('resolver', { 'ai:agent': 'complaint-resolver' }, 1) });
    iam.on(GenerateServiceLastAccessedDetailsCommand).resolves({ JobId: 'job' });
    iam.on(GetServiceLastAccessedDetailsCommand).resolves(completedJob({ 'bedrock-agentcore': 1 }));
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['AgentAccess'] });
    iam.on(GetRolePolicyCommand).resolves({
      RoleName: 'resolver',
      PolicyName: 'AgentAccess',
      PolicyDocument: encode({
        Statement: [
          { Effect: 'Allow', Action: 'bedrock-agentcore:GetResourceOauth2Token', Resource: [CRM, VAULT] },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        ],
      }),
    });
    iam.on(ListAttachedRolePoliciesCommand).resolves({
      AttachedPolicies: [{ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/keys`, PolicyName: 'keys' }],
    });
    iam.on(GetPolicyCommand).resolves({ Policy: { DefaultVersionId: 'v2' } });
    iam.on(GetPolicyVersionCommand).resolves({
      PolicyVersion: {
        Document: encode({
          Statement: [{ Effect: 'Allow', Action: 'bedrock-agentcore:GetResource*', Resource: LLM }],
        }),
      },
    });
    // WHEN the account is reviewed
    const report = await reviewAgentRoles(new IAMClient({ region: 'us-east-1' }), {
      now: () => NOW,
      sleep: async () => {},
    });
    // THEN the agent lists both providers
    expect(report.agents.map((a) => [a.agentName, a.credentialProviders])).toEqual([
      ['complaint-resolver', [LLM, CRM].sort()],
    ]);
  });

  test('a wildcard grant is listed as *', async () => {
    const iam = mockClient(IAMClient);
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['p'] });
    iam.on(GetRolePolicyCommand).resolves({
      RoleName: 'r',
      PolicyName: 'p',
      PolicyDocument: encode({
        Statement: { Effect: 'Allow', Action: 'bedrock-agentcore:*', Resource: '*' },
      }),
    });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    expect(await reachableCredentialProviders(iam as unknown as IAMClient, 'r')).toEqual(['*']);
  });

  test('access denied on reading policies leaves the list out instead of guessing', async () => {
    const iam = mockClient(IAMClient);
    iam.on(ListRolePoliciesCommand).rejects(awsError('AccessDenied', 'no'));
    expect(await reachableCredentialProviders(iam as unknown as IAMClient, 'r')).toBeUndefined();
  });
});
