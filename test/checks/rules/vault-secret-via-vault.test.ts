import { SecretValue } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentWorkloadIdentity, CredentialProvider } from '../../../lib';
import { agentApp, check, findingsFor, handWrittenRole, plainApp } from '../fixtures';

const RULE = 'VaultSecretViaVault';
const VAULT_SECRETS = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:bedrock-agentcore-identity!*';

function apiKeyProvider(scope: import('constructs').Construct): agentcore.ApiKeyCredentialProvider {
  return new agentcore.ApiKeyCredentialProvider(scope, 'Llm', {
    apiKeyCredentialProviderName: 'llm',
    apiKey: SecretValue.secretsManager('llm-api-key'),
  });
}

describe('AgentIdentity-VaultSecretViaVault', () => {
  test('grantCredentials reads the secret only via the vault: compliant', () => {
    const { app, stack, agent } = agentApp({ workloadIdentity: AgentWorkloadIdentity.create() });
    agent.grantCredentials(CredentialProvider.apiKey(apiKeyProvider(stack)));
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test("attacker: the provider L2's grantUse lets the agent read the API key itself", () => {
    const { app, stack, agent } = agentApp({ workloadIdentity: AgentWorkloadIdentity.create() });
    apiKeyProvider(stack).grantUse(agent);
    expect(findingsFor(check(app), RULE)).toEqual([
      'Resource::arn:<AWS::Partition>:secretsmanager:us-east-1:111111111111:secret:bedrock-agentcore-identity!*',
    ]);
  });

  test('ForAllValues on aws:CalledVia does not count (it matches a direct call); ForAnyValue does', () => {
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Role', 'hand');
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [VAULT_SECRETS],
        conditions: { 'ForAllValues:StringEquals': { 'aws:CalledVia': 'bedrock-agentcore.amazonaws.com' } },
      }),
    );
    const other = handWrittenRole(stack, 'Other', 'other');
    other.addToPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [VAULT_SECRETS],
        conditions: { 'ForAnyValue:StringEquals': { 'aws:CalledVia': 'bedrock-agentcore.amazonaws.com' } },
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([`Resource::${VAULT_SECRETS}`]);
  });

  test('a secret outside the vault is not judged', () => {
    const { app, stack } = plainApp();
    const role = handWrittenRole(stack, 'Role', 'hand');
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['arn:aws:secretsmanager:us-east-1:111111111111:secret:app/db-AbCdEf'],
      }),
    );
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });
});
