import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EntitlementReport } from '../../lib';
import { EntitlementReportJson } from '../../lib/report/report-format';
import { ACCOUNT, REGION, agentRole, arn, simulateAs, templateOf } from '../_shared/simulation';
import { buildApp } from './app';
import {
  CRM_SCOPE,
  RESOLVER_AUDIENCE,
  RESOLVER_NAME,
  SUPPORT_ISSUER,
  SUPPORT_PORTAL_CLIENT,
} from './user-delegation';

describe('example: complaint-resolution, on behalf of the support user', () => {
  // GIVEN the example app with the user-delegated resolver
  const app = new App();
  const [stack] = buildApp(app);
  const template = templateOf(stack);
  const resolver = agentRole(template, RESOLVER_NAME);
  const worker = agentRole(template, 'complaint-worker');
  const agentcoreArn = (resource: string) => arn('bedrock-agentcore', REGION, ACCOUNT, resource);
  const OWN = agentcoreArn(`workload-identity-directory/default/workload-identity/${RESOLVER_NAME}`);
  const CRM = agentcoreArn('token-vault/default/oauth2credentialprovider/crm-user-delegated');
  const userJwt = (claims: Record<string, string | string[]> = {}) => ({
    'bedrock-agentcore:InboundJwtClaim/iss': SUPPORT_ISSUER,
    'bedrock-agentcore:InboundJwtClaim/client_id': SUPPORT_PORTAL_CLIENT,
    'bedrock-agentcore:InboundJwtClaim/aud': [RESOLVER_AUDIENCE],
    ...claims,
  });

  test("the resolver exchanges the support user's JWT for a workload token and gets the user's CRM token", async () => {
    expect(
      await simulateAs(resolver, {
        action: 'bedrock-agentcore:GetWorkloadAccessTokenForJWT',
        resource: OWN,
        context: userJwt(),
      }),
    ).toBe('Allowed');
    expect(
      await simulateAs(resolver, { action: 'bedrock-agentcore:GetResourceOauth2Token', resource: CRM }),
    ).toBe('Allowed');
  });

  test.each([
    ['another issuer', { 'bedrock-agentcore:InboundJwtClaim/iss': 'https://evil.example.com' }],
    ['another client', { 'bedrock-agentcore:InboundJwtClaim/client_id': 'partner-portal' }],
    ['another audience', { 'bedrock-agentcore:InboundJwtClaim/aud': ['billing-agent'] }],
  ])('a JWT of %s is refused', async (_name, claims) => {
    expect(
      await simulateAs(resolver, {
        action: 'bedrock-agentcore:GetWorkloadAccessTokenForJWT',
        resource: OWN,
        context: userJwt(claims),
      }),
    ).toBe('ImplicitlyDenied');
  });

  test('never a standing key: no token without a user, no user named by id, no read of the CRM client secret', async () => {
    expect(
      await simulateAs(resolver, { action: 'bedrock-agentcore:GetWorkloadAccessToken', resource: OWN }),
    ).toBe('ImplicitlyDenied');
    expect(
      await simulateAs(resolver, {
        action: 'bedrock-agentcore:GetWorkloadAccessTokenForUserId',
        resource: OWN,
      }),
    ).toBe('ExplicitlyDenied');
    const secret = arn(
      'secretsmanager',
      REGION,
      ACCOUNT,
      'secret:bedrock-agentcore-identity!default/oauth2/crm-user-delegated-AbCdEf',
    );
    expect(await simulateAs(resolver, { action: 'secretsmanager:GetSecretValue', resource: secret })).toBe(
      'ImplicitlyDenied',
    );
  });

  test('the worker of the same app cannot fetch the resolver’s CRM token', async () => {
    for (const resource of [CRM, OWN]) {
      expect(await simulateAs(worker, { action: 'bedrock-agentcore:GetResourceOauth2Token', resource })).toBe(
        'ImplicitlyDenied',
      );
    }
  });

  test('the report says whom the resolver acts for, with which scope', () => {
    const built = EntitlementReport.fromTemplates([
      { stackName: stack.stackName, template: Template.fromStack(stack).toJSON() },
    ]);
    const report: EntitlementReportJson = built.toJson();
    const credentials = report.agents.find((a) => a.agentName === RESOLVER_NAME)!.credentials!;
    expect(credentials.userDelegation?.summary).toBe(
      `acts for users of ${SUPPORT_ISSUER}, scopes ${CRM_SCOPE}`,
    );
    expect(credentials.inboundAuthorizer?.allowedClients).toEqual([SUPPORT_PORTAL_CLIENT]);
    expect(credentials.providers.map((p) => [p.flow, p.scopes])).toEqual([['user-delegated', [CRM_SCOPE]]]);
    expect(built.toMarkdown()).toContain(`acts for users of ${SUPPORT_ISSUER}, scopes ${CRM_SCOPE}`);
  });
});
