import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EntitlementReport } from '../../lib';
import { EntitlementReportJson } from '../../lib/report/report-format';
import { describeRulePackTests } from '../_shared/standard-tests';
import { ACCOUNT, REGION, agentRole, arn, simulateAs, templateOf } from '../_shared/simulation';
import { buildApp } from './app';

describe('AgentCore quickstart (the README code)', () => {
  test('the README AgentCore quickstart is this file, word for word (so the README compiles)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const block = /## AgentCore Identity quickstart[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const source = fs
      .readFileSync(path.join(__dirname, 'app.ts'), 'utf8')
      .replace("'../../lib'", "'cdk-agent-identity'");
    expect(block).toBe(source);
  });

  const app = new App();
  const stack = buildApp(app);
  const template = templateOf(stack);
  const role = agentRole(template, 'support-assistant');
  const own = arn(
    'bedrock-agentcore',
    REGION,
    ACCOUNT,
    'workload-identity-directory/default/workload-identity/support-assistant',
  );

  test("the assistant exchanges only the support portal's user JWTs, and fetches only the CRM token", async () => {
    const jwt = {
      'bedrock-agentcore:InboundJwtClaim/iss': 'https://login.example.com/realms/support',
      'bedrock-agentcore:InboundJwtClaim/client_id': 'support-portal',
    };
    const forJwt = 'bedrock-agentcore:GetWorkloadAccessTokenForJWT';
    expect(await simulateAs(role, { action: forJwt, resource: own, context: jwt })).toBe('Allowed');
    expect(
      await simulateAs(role, {
        action: forJwt,
        resource: own,
        context: { ...jwt, 'bedrock-agentcore:InboundJwtClaim/client_id': 'other' },
      }),
    ).toBe('ImplicitlyDenied');
    const crm = arn('bedrock-agentcore', REGION, ACCOUNT, 'token-vault/default/oauth2credentialprovider/crm');
    expect(
      await simulateAs(role, { action: 'bedrock-agentcore:GetResourceOauth2Token', resource: crm }),
    ).toBe('Allowed');
  });

  test('the report says whom it acts for', () => {
    const built = EntitlementReport.fromTemplates([
      { stackName: stack.stackName, template: Template.fromStack(stack).toJSON() },
    ]);
    const report: EntitlementReportJson = built.toJson();
    expect(report.agents[0].credentials?.userDelegation?.summary).toBe(
      'acts for users of https://login.example.com/realms/support, scopes crm.read',
    );
  });

  describeRulePackTests(app, stack);
});
