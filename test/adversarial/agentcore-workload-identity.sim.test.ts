import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { Template } from 'aws-cdk-lib/assertions';
import { AgentWorkloadIdentity, CredentialProvider } from '../../lib';
import { agentWithIdentity, credentialsApp } from '../credentials/fixtures';
import { agentRoleId, rolePolicies, simulate } from '../helpers/simulate';

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:111111111111';
const DIRECTORY = `${ARN}:workload-identity-directory/default`;
const identityArn = (name: string) => `${DIRECTORY}/workload-identity/${name}`;
const CRM = `${ARN}:token-vault/default/oauth2credentialprovider/crm`;

describe('adversarial: an agent acting as another agent through AgentCore', () => {
  test('attacker: the AgentCore Runtime L2 grants its execution role tokens for every identity; the fence keeps the agent to its own', async () => {
    // GIVEN an agent run by an AgentCore Runtime (whose L2 adds GetWorkloadAccessToken* on workload-identity/*)
    const runtimeAgent = (bound: boolean) => {
      const { stack, crm } = credentialsApp();
      const agent = agentWithIdentity(stack, 'R', 'agent-r', { workloadIdentity: undefined });
      new agentcore.Runtime(stack, 'Runtime', {
        runtimeName: 'agent_r',
        executionRole: agent.role,
        agentRuntimeArtifact: agentcore.AgentRuntimeArtifact.fromImageUri(
          '111111111111.dkr.ecr.us-east-1.amazonaws.com/agent-r:1',
        ),
      });
      if (bound) {
        agent.useWorkloadIdentity(AgentWorkloadIdentity.create());
        agent.grantCredentials(CredentialProvider.oauth2(crm));
      }
      const json = Template.fromStack(stack).toJSON();
      return rolePolicies(json, agentRoleId(json, 'agent-r'));
    };
    const other = identityArn('agent-a');
    // the hole, without a workload identity of the library
    expect(
      await simulate(runtimeAgent(false), {
        action: 'bedrock-agentcore:GetWorkloadAccessToken',
        resource: other,
      }),
    ).toBe('Allowed');
    // WHEN it is bound to its own workload identity
    const fenced = runtimeAgent(true);
    // THEN tokens for another identity, ForUserId and vault access as another identity are denied
    for (const action of [
      'bedrock-agentcore:GetWorkloadAccessToken',
      'bedrock-agentcore:GetWorkloadAccessTokenForJWT',
      'bedrock-agentcore:GetResourceOauth2Token',
    ]) {
      expect(await simulate(fenced, { action, resource: other })).toBe('ExplicitlyDenied');
    }
    expect(
      await simulate(fenced, {
        action: 'bedrock-agentcore:GetWorkloadAccessTokenForUserId',
        resource: DIRECTORY,
      }),
    ).toBe('ExplicitlyDenied');
    expect(
      await simulate(fenced, { action: 'bedrock-agentcore:GetResourceOauth2Token', resource: CRM }),
    ).toBe('Allowed');
  });
});
