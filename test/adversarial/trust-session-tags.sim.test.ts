import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity, AgentRuntime, DataAccess, DataClassification, DataStore, DataTags } from '../../lib';
import { check, findingsFor } from '../checks/fixtures';
import { ACCOUNT } from '../helpers/resolve';
import { agentRoleId, rolePolicies, simulate, simulateTrust } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

/**
 * Attacker: the partner account that runs an agent (AgentRuntime.account, external id) — or
 * whoever holds a session there. A platform engineer adds `sts:TagSession` to the agent's trust
 * (e.g. to pass a cost-centre tag). A session tag overrides the role tag of the same key, so the
 * caller passes `ai:tenant=globex` and gets a session of tenant globex: the ABAC grants
 * (`${aws:PrincipalTag/ai:tenant}`) and the tenant fence then both follow the forged tag.
 */

const PARTNER = '222222222222';
const CALLER = `arn:aws:sts::${PARTNER}:assumed-role/partner-runner/session-1`;
const CALLER_ROLE = `arn:aws:iam::${PARTNER}:role/partner-runner`;
const EXTERNAL_ID = 'partner-7f3a';
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
/** The partner's own identity policy: it may assume and tag any role (its side of a cross-account call). */
const CALLER_POLICIES = [
  {
    name: 'partner',
    policy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' }],
    },
  },
];

/** An acme agent run by the partner account, reading a table partitioned by tenant; `tagSession` is added to its trust. */
function partnerAgent(tagSession?: iam.PolicyStatement) {
  const { app, stack } = newStack();
  const table = new dynamodb.Table(stack, 'Orders', {
    tableName: 'orders',
    partitionKey: { name: 'tenant', type: dynamodb.AttributeType.STRING },
  });
  DataTags.of(table).apply({ classification: DataClassification.INTERNAL });
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'acme-agent',
    runtime: AgentRuntime.account(PARTNER, { externalId: EXTERNAL_ID }),
    tenant: 'acme',
  });
  agent.grantData(DataStore.dynamoDbTable(table, { tenantPartitioned: true }), DataAccess.READ);
  if (tagSession) (agent.role as iam.Role).assumeRolePolicy!.addStatements(tagSession);
  const template = Template.fromStack(stack).toJSON();
  return { app, role: rolePolicies(template, agentRoleId(template, 'acme-agent')) };
}

const tagSession = (conditions: Record<string, Record<string, unknown>> = {}) =>
  new iam.PolicyStatement({
    principals: [new iam.AccountPrincipal(PARTNER)],
    actions: ['sts:TagSession'],
    // narrowed to the partner's runner role (sts:ExternalId is not in the request context of TagSession)
    conditions: { StringEquals: { 'aws:PrincipalArn': CALLER_ROLE }, ...conditions },
  });

/** The partner asks for a session tagged `ai:tenant=globex`. */
const FORGED_TENANT = {
  'aws:PrincipalArn': CALLER_ROLE,
  'aws:TagKeys': ['ai:tenant'],
  'aws:RequestTag/ai:tenant': 'globex',
};

describe('a trust policy that lets the caller set ai:* session tags', () => {
  test('unconstrained sts:TagSession: the caller obtains a session of tenant globex and reads its partition; NarrowTrust reports it', async () => {
    // GIVEN the partner's trust plus an unconstrained sts:TagSession
    const { app, role } = partnerAgent(tagSession());

    // WHEN the partner assumes the role passing ai:tenant=globex
    const tagging = await simulateTrust(role, {
      principal: CALLER,
      action: 'sts:TagSession',
      context: FORGED_TENANT,
      callerPolicies: CALLER_POLICIES,
    });
    // THEN IAM lets it tag the session...
    expect(tagging).toBe('Allowed');
    // ...and that session (ai:tenant overridden to globex) reads globex's partition, which the
    // agent's own tenant cannot
    const read = (sessionTags?: Record<string, string>) =>
      simulate(role, {
        action: 'dynamodb:GetItem',
        resource: TABLE,
        context: { 'dynamodb:LeadingKeys': ['globex'], 'aws:ResourceTag/ai:classification': 'internal' },
        sessionTags,
      });
    expect(await read()).toBe('ImplicitlyDenied');
    expect(await read({ 'ai:tenant': 'globex' })).toBe('Allowed');

    // AND synth fails: NarrowTrust names the principal that may set the key
    expect(findingsFor(check(app), 'NarrowTrust')).toEqual([
      `TagSession::arn:<AWS::Partition>:iam::${PARTNER}:root`,
    ]);
  });

  test('an allow-list of tag keys without ai:* principal keys: the forged tag is refused, any case, and NarrowTrust is satisfied', async () => {
    // GIVEN the same trust with the tag keys limited to cost-center
    const { app, role } = partnerAgent(
      tagSession({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['cost-center'] } }),
    );
    // WHEN the partner passes ai:tenant (or AI:Tenant) THEN IAM refuses
    for (const key of ['ai:tenant', 'AI:Tenant']) {
      const decision = await simulateTrust(role, {
        principal: CALLER,
        action: 'sts:TagSession',
        context: {
          'aws:PrincipalArn': CALLER_ROLE,
          'aws:TagKeys': [key],
          [`aws:RequestTag/${key}`]: 'globex',
        },
        callerPolicies: CALLER_POLICIES,
      });
      expect(decision).toBe('ImplicitlyDenied');
    }
    // AND the allowed key still works
    const costCenter = await simulateTrust(role, {
      principal: CALLER,
      action: 'sts:TagSession',
      context: {
        'aws:PrincipalArn': CALLER_ROLE,
        'aws:TagKeys': ['cost-center'],
        'aws:RequestTag/cost-center': 'cc-1',
      },
      callerPolicies: CALLER_POLICIES,
    });
    expect(costCenter).toBe('Allowed');
    expect(findingsFor(check(app), 'NarrowTrust')).toEqual([]);
  });

  test('delegatedFrom: the orchestrator cannot pass ai:tenant to its worker', async () => {
    // GIVEN an orchestrator and a worker that takes only the ai:record session tag
    const { app, stack } = newStack();
    const orchestrator = new AgentIdentity(stack, 'Orchestrator', {
      agentName: 'orchestrator',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
    });
    new AgentIdentity(stack, 'Worker', {
      agentName: 'worker',
      runtime: AgentRuntime.delegatedFrom(orchestrator, { sessionTags: ['ai:record'] }),
      tenant: 'acme',
    });
    const template = Template.fromStack(stack).toJSON();
    const worker = rolePolicies(template, agentRoleId(template, 'worker'));
    const orchestratorArn = rolePolicies(template, agentRoleId(template, 'orchestrator')).roleArn;
    const orchestratorSession = `arn:aws:sts::${ACCOUNT}:assumed-role/${orchestratorArn.split('/').pop()}/run-1`;
    const tagging = (tags: Record<string, string>) =>
      simulateTrust(worker, {
        principal: orchestratorSession,
        action: 'sts:TagSession',
        context: {
          'aws:PrincipalArn': orchestratorArn,
          'aws:TagKeys': Object.keys(tags),
          ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
        },
      });
    // WHEN / THEN the named key passes, a principal key does not
    expect(await tagging({ 'ai:record': 'case-42' })).toBe('Allowed');
    expect(await tagging({ 'ai:record': 'case-42', 'ai:tenant': 'globex' })).toBe('ImplicitlyDenied');
    expect(findingsFor(check(app), 'NarrowTrust')).toEqual([]);
  });
});
