import { SecretValue } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentWorkloadIdentity, CredentialProvider } from '../../../lib';
import { agentApp, check, findingsFor, handWrittenRole, plainApp } from '../fixtures';

const RULE = 'AgentCoreOwnIdentity';
const DIRECTORY = 'arn:aws:bedrock-agentcore:us-east-1:111111111111:workload-identity-directory/default';

function oauthProvider(scope: import('constructs').Construct): agentcore.OAuth2CredentialProvider {
  return agentcore.OAuth2CredentialProvider.usingCustom(scope, 'Crm', {
    oAuth2CredentialProviderName: 'crm',
    clientId: 'agent-client',
    clientSecret: SecretValue.secretsManager('crm-client-secret'),
    discoveryUrl: 'https://crm.example.com/.well-known/openid-configuration',
  });
}

describe('AgentIdentity-AgentCoreOwnIdentity', () => {
  test('an agent with its own workload identity and a granted provider is compliant', () => {
    const { app, stack } = agentApp({ workloadIdentity: AgentWorkloadIdentity.create() });
    const agent = stack.node.findChild('Agent') as import('../../../lib').AgentIdentity;
    agent.grantCredentials(CredentialProvider.oauth2(oauthProvider(stack)), { scopes: ['crm.read'] });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test("attacker: the provider L2's own grantUse reaches every workload identity", () => {
    // GIVEN an agent granted a provider with aws-cdk-lib's grantUse instead of grantCredentials
    const { app, stack, agent } = agentApp({ workloadIdentity: AgentWorkloadIdentity.create() });
    oauthProvider(stack).grantUse(agent);
    // THEN the workload-identity wildcard is reported (the agent is fenced by its denies, so only
    // the wildcard over identities is tolerated there; an unfenced role shows it below)
    expect(findingsFor(check(app), RULE)).toEqual([]);
    const { app: app2, stack: stack2 } = plainApp();
    const role = handWrittenRole(stack2, 'Role', 'hand');
    oauthProvider(stack2).grantUse(role);
    expect(findingsFor(check(app2), RULE)).toEqual([
      'Resource::arn:<AWS::Partition>:bedrock-agentcore:us-east-1:111111111111:workload-identity-directory/default/workload-identity/*',
    ]);
  });

  test("a hand-written role that may mint tokens as another agent's identity is reported", () => {
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Role', 'hand');
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock-agentcore:GetWorkloadAccessTokenForJWT'],
        resources: [
          DIRECTORY,
          `${DIRECTORY}/workload-identity/someone-else`,
          `${DIRECTORY}/workload-identity/hand`,
        ],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual(['WorkloadIdentity::someone-else']);
  });

  test('token actions on * or through a pattern are reported', () => {
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Role', 'hand');
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['bedrock-agentcore:GetResource*'], resources: ['*'] }),
    );
    expect(findingsFor(check(app), RULE)).toEqual(['Resource::*']);
  });

  test('a reference to another agent’s WorkloadIdentity resource is reported', () => {
    const { app, stack } = plainApp();
    const other = new agentcore.WorkloadIdentity(stack, 'Other', {
      workloadIdentityName: 'other',
      tags: { 'ai:agent': 'other' },
    });
    const role = handWrittenRole(stack, 'Role', 'hand');
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock-agentcore:GetWorkloadAccessToken'],
        resources: [DIRECTORY, other.workloadIdentityArn],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([expect.stringMatching(/^WorkloadIdentity::Other/)]);
  });

  test('a role without AgentCore actions is not judged', () => {
    const { app } = agentApp();
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });
});
