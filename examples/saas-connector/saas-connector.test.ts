import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EntitlementReport } from '../../lib';
import { EntitlementReportJson } from '../../lib/report/report-format';
import { describeRulePackTests } from '../_shared/standard-tests';
import { ACCOUNT, REGION, agentRole, arn, simulateAs, templateOf } from '../_shared/simulation';
import { AGENT_NAME, BILLING_SCOPE, LLM_AUDIENCE, buildApp } from './app';

// GIVEN the connector app
const app = new App();
const [stack] = buildApp(app);
const template = templateOf(stack);
const role = agentRole(template, AGENT_NAME);
const agentcoreArn = (resource: string) => arn('bedrock-agentcore', REGION, ACCOUNT, resource);
const OWN_IDENTITY = agentcoreArn(`workload-identity-directory/default/workload-identity/${AGENT_NAME}`);
const BILLING = agentcoreArn('token-vault/default/oauth2credentialprovider/billing-saas');
const SECRET = arn(
  'secretsmanager',
  REGION,
  ACCOUNT,
  'secret:bedrock-agentcore-identity!default/oauth2/billing-saas-AbCdEf',
);

describe('saas-connector: OAuth2 client credentials from the token vault, federation instead of a stored key', () => {
  test('the agent gets a workload token for its own identity and the billing token through it', async () => {
    expect(
      await simulateAs(role, { action: 'bedrock-agentcore:GetWorkloadAccessToken', resource: OWN_IDENTITY }),
    ).toBe('Allowed');
    for (const resource of [BILLING, OWN_IDENTITY, agentcoreArn('token-vault/default')]) {
      expect(await simulateAs(role, { action: 'bedrock-agentcore:GetResourceOauth2Token', resource })).toBe(
        'Allowed',
      );
    }
  });

  test('it cannot act as another workload identity, reach another provider, or read the client secret itself', async () => {
    const other = agentcoreArn('workload-identity-directory/default/workload-identity/payroll-agent');
    expect(
      await simulateAs(role, { action: 'bedrock-agentcore:GetWorkloadAccessToken', resource: other }),
    ).toBe('ExplicitlyDenied');
    expect(
      await simulateAs(role, {
        action: 'bedrock-agentcore:GetResourceOauth2Token',
        resource: agentcoreArn('token-vault/default/oauth2credentialprovider/payroll-saas'),
      }),
    ).toBe('ImplicitlyDenied');
    expect(await simulateAs(role, { action: 'secretsmanager:GetSecretValue', resource: SECRET })).toBe(
      'ImplicitlyDenied',
    );
    expect(
      await simulateAs(role, {
        action: 'bedrock-agentcore:GetWorkloadAccessTokenForUserId',
        resource: OWN_IDENTITY,
      }),
    ).toBe('ExplicitlyDenied');
  });

  test('the LLM gateway token: one audience, at most five minutes', async () => {
    const ok = { 'sts:IdentityTokenAudience': [LLM_AUDIENCE], 'sts:DurationSeconds': '300' };
    expect(await simulateAs(role, { action: 'sts:GetWebIdentityToken', resource: '*', context: ok })).toBe(
      'Allowed',
    );
    expect(
      await simulateAs(role, {
        action: 'sts:GetWebIdentityToken',
        resource: '*',
        context: { ...ok, 'sts:IdentityTokenAudience': ['https://attacker.example.com'] },
      }),
    ).toBe('ImplicitlyDenied');
  });

  test('the entitlement report lists the provider with its scope and the web identity audience', () => {
    const built = EntitlementReport.fromTemplates([
      { stackName: stack.stackName, template: Template.fromStack(stack).toJSON() },
    ]);
    const report: EntitlementReportJson = built.toJson();
    const credentials = report.agents.find((a) => a.agentName === AGENT_NAME)!.credentials!;
    expect(credentials.providers.map((p) => [p.kind, p.flow, p.scopes])).toEqual([
      ['oauth2', 'client-credentials', [BILLING_SCOPE]],
    ]);
    expect(credentials.webIdentityTokens).toEqual([{ audiences: [LLM_AUDIENCE], maxDurationSeconds: 300 }]);
  });

  describeRulePackTests(app, stack);
});
