import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AgentOrganizationPolicies, OrganizationModelGuardrail } from '../../lib';

const ACCOUNT = '222222222222';
const ROOT = 'r-ab12';
const GUARDRAIL = `arn:aws:bedrock:us-east-1:${ACCOUNT}:guardrail/gr1:3`;
const MODEL = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0';
const ADMIN = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const FULL_ACCESS = { name: 'FullAWSAccess', policy: ADMIN };

/** The two documents as synthesized. */
function policies(props: Partial<ConstructorParameters<typeof AgentOrganizationPolicies>[2]> = {}) {
  const stack = new Stack(new App(), 'Org', { env: { account: '111111111111', region: 'us-east-1' } });
  new AgentOrganizationPolicies(stack, 'Rails', { targetIds: [ROOT], ...props });
  const resources = Object.values<any>(Template.fromStack(stack).findResources('AWS::Organizations::Policy')); // eslint-disable-line @typescript-eslint/no-explicit-any
  const byType = (t: string) => resources.find((r) => r.Properties.Type === t)?.Properties.Content;
  return { scp: byType('SERVICE_CONTROL_POLICY'), rcp: byType('RESOURCE_CONTROL_POLICY') };
}

/** A role built WITHOUT the library: AdministratorAccess, tagged as an agent, nothing else. */
interface Principal {
  readonly name: string;
  readonly tags: Record<string, string>;
}
const ROGUE: Principal = { name: 'rogue-agent', tags: { 'ai:agent': 'rogue', 'ai:tenant': 'acme' } };
const PLATFORM: Principal = { name: 'platform-agent', tags: { 'ai:agent': 'indexer' } };
const HUMAN_ADMIN: Principal = { name: 'admin', tags: {} };

async function decide(
  docs: { scp: unknown; rcp: unknown },
  who: Principal,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${who.name}/session`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: {
          'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/${who.name}`,
          'aws:PrincipalAccount': ACCOUNT,
          ...Object.fromEntries(Object.entries(who.tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
          ...context,
        },
      },
      identityPolicies: [{ name: 'AdministratorAccess', policy: ADMIN }],
      serviceControlPolicies: [
        { orgIdentifier: ROOT, policies: [FULL_ACCESS, { name: 'agent-guard-rails-scp', policy: docs.scp }] },
        { orgIdentifier: ACCOUNT, policies: [FULL_ACCESS] },
      ],
      resourceControlPolicies: docs.rcp
        ? [{ orgIdentifier: ROOT, policies: [{ name: 'agent-guard-rails-rcp', policy: docs.rcp }] }]
        : [],
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

describe('an agent built without the library (AdministratorAccess, tagged ai:agent) is still stopped', () => {
  const docs = policies({ modelGuardrail: OrganizationModelGuardrail.any() });
  const role = `arn:aws:iam::${ACCOUNT}:role/rogue-agent`;
  const denied: [string, string, string, Record<string, string | string[]>][] = [
    ['rewrites its own policy', 'iam:PutRolePolicy', role, {}],
    ['removes its own tags', 'iam:UntagRole', role, { 'aws:TagKeys': ['ai:agent'] }],
    [
      'creates a Bedrock API key',
      'iam:CreateServiceSpecificCredential',
      `arn:aws:iam::${ACCOUNT}:user/u`,
      { 'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com' },
    ],
    [
      'calls Bedrock with a bearer token',
      'bedrock:CallWithBearerToken',
      '*',
      { 'bedrock:BearerTokenType': 'SHORT_TERM' },
    ],
    ['passes a role', 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`, {}],
    ['stops the trail', 'cloudtrail:StopLogging', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org`, {}],
    [
      'deletes the trail log group',
      'logs:DeleteLogGroup',
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail`,
      {},
    ],
    ['invokes a model without a guardrail', 'bedrock:InvokeModel', MODEL, {}],
    [
      "reads another tenant's secret",
      'secretsmanager:GetSecretValue',
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:globex-AbCdEf`,
      { 'aws:ResourceTag/ai:tenant': 'globex' },
    ],
    [
      "reads another tenant's table",
      'dynamodb:GetItem',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/globex-orders`,
      { 'aws:ResourceTag/ai:tenant': 'globex' },
    ],
  ];
  test.each(denied)('an agent that %s is explicitly denied', async (_what, action, resource, context) => {
    expect(await decide(docs, ROGUE, action, resource, context)).toBe('ExplicitlyDenied');
  });

  test('a platform agent (no tenant) cannot read tenant data', async () => {
    const decision = await decide(
      docs,
      PLATFORM,
      'dynamodb:GetItem',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/acme-orders`,
      {
        'aws:ResourceTag/ai:tenant': 'acme',
      },
    );
    expect(decision).toBe('ExplicitlyDenied');
  });

  test('a revoked agent is denied everything, even with AdministratorAccess', async () => {
    const revoked = { ...ROGUE, tags: { ...ROGUE.tags, 'ai:revoked': '2026-12-01T22:45:01Z' } };
    expect(await decide(docs, revoked, 's3:ListAllMyBuckets', '*')).toBe('ExplicitlyDenied');
  });

  // The tests above must be able to fail: the same principal keeps what the rules do not touch.
  test.each([
    [
      "reads its own tenant's table",
      ROGUE,
      'dynamodb:GetItem',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/acme-orders`,
      { 'aws:ResourceTag/ai:tenant': 'acme' },
    ],
    [
      'invokes a model with a guardrail',
      ROGUE,
      'bedrock:InvokeModel',
      MODEL,
      { 'bedrock:GuardrailIdentifier': GUARDRAIL },
    ],
    ['reads untagged shared data (platform agent)', PLATFORM, 's3:GetObject', 'arn:aws:s3:::shared/x', {}],
    [
      '(a human administrator) rewrites a role policy',
      HUMAN_ADMIN,
      'iam:PutRolePolicy',
      `arn:aws:iam::${ACCOUNT}:role/rogue-agent`,
      {},
    ],
    [
      '(a human administrator) reads a tenant table',
      HUMAN_ADMIN,
      'dynamodb:GetItem',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/acme-orders`,
      { 'aws:ResourceTag/ai:tenant': 'acme' },
    ],
  ] as [string, Principal, string, string, Record<string, string>][])(
    '%s stays allowed',
    async (_what, who, action, resource, context) => {
      expect(await decide(docs, who, action, resource, context)).toBe('Allowed');
    },
  );
});

describe('a pinned organization guardrail', () => {
  const docs = policies({
    modelGuardrail: OrganizationModelGuardrail.oneOf([`arn:aws:bedrock:*:${ACCOUNT}:guardrail/gr1:*`]),
  });
  test('another guardrail is denied, the named one allowed', async () => {
    const other = `arn:aws:bedrock:us-east-1:${ACCOUNT}:guardrail/weak:1`;
    expect(
      await decide(docs, ROGUE, 'bedrock:InvokeModel', MODEL, { 'bedrock:GuardrailIdentifier': other }),
    ).toBe('ExplicitlyDenied');
    expect(
      await decide(docs, ROGUE, 'bedrock:InvokeModel', MODEL, { 'bedrock:GuardrailIdentifier': GUARDRAIL }),
    ).toBe('Allowed');
  });
  test("without the option, model calls without a guardrail are not the organization's business", async () => {
    expect(await decide(policies(), ROGUE, 'bedrock:InvokeModel', MODEL)).toBe('Allowed');
  });
});
