import { App, Aspects, IAspect, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  AgentGrantSharing,
  AgentIdentity,
  AgentIdentityChecks,
  AgentRuntime,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
} from '../../lib';
import {
  ChangeKind,
  buildEntitlementReport,
  collectAcknowledgements,
  diffEntitlementReports,
} from '../../lib/report/report-format';
import { ACCOUNT, TemplateResolver } from '../helpers/resolve';
import { RolePolicies, agentRoleId, rolePolicies, simulate } from '../helpers/simulate';
import { resourcesOfType, sharedGrantPolicies, sharedGrantPoliciesOf } from '../helpers/templates';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface TenantShape {
  /** Agents of this tenant, all granted the same. */
  readonly agents: number;
  /** Also grant the tenant's table (a larger document). */
  readonly table?: boolean;
}

/**
 * A stack of tenants, each with its own inbox bucket (and maybe a table) and `agents` agents
 * granted exactly the same; ids depend only on tenant and index, so two stacks built from
 * different shapes name the same agent and store alike.
 */
function tenantStack(shape: TenantShape[], tweak?: (stack: Stack, agents: AgentIdentity[][]) => void) {
  const app = new App();
  const stack = new Stack(app, 'Fleet', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const agents: AgentIdentity[][] = [];
  shape.forEach((tenantShape, t) => {
    const tenant = `tenant-${t}`;
    const inbox = new s3.Bucket(stack, `Inbox${t}`);
    DataTags.of(inbox).apply({ tenant, classification: DataClassification.INTERNAL });
    const table = tenantShape.table
      ? new dynamodb.Table(stack, `Table${t}`, {
          partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
        })
      : undefined;
    if (table) DataTags.of(table).apply({ tenant, classification: DataClassification.INTERNAL });
    const group: AgentIdentity[] = [];
    for (let i = 0; i < tenantShape.agents; i++) {
      const agent = new AgentIdentity(stack, `Agent${t}x${i}`, {
        agentName: `agent-${t}-${i}`,
        runtime: AgentRuntime.lambdaFunction(),
        tenant,
        owner: 'platform@example.com',
      });
      agent.grantData(DataStore.s3Bucket(inbox, { prefix: 'inbox/' }), DataAccess.READ);
      if (table)
        agent.grantData(DataStore.dynamoDbTable(table, { tenantPartitioned: true }), DataAccess.READ);
      group.push(agent);
    }
    agents.push(group);
  });
  tweak?.(stack, agents);
  const json = Template.fromStack(stack).toJSON();
  return { app, stack, agents, json };
}

/** What an agent's own grants say: every identity policy but the stack's permissions guardrails, resolved. */
function grantsOf(role: RolePolicies): Json[] {
  return role.identityPolicies
    .filter((p) => !p.name.startsWith('AgentBoundary'))
    .flatMap((p) => p.policy.Statement);
}

const FIVE_TENANTS_OF_20: TenantShape[] = Array.from({ length: 5 }, () => ({ agents: 20 }));

describe('AgentGrantSharing', () => {
  test('below 60 agents a stack shares nothing: every agent keeps its grants inline', () => {
    // GIVEN 59 agents in three groups of identical grants
    const { json } = tenantStack([{ agents: 20 }, { agents: 20 }, { agents: 19 }]);
    // THEN the only managed policies are the boundary pair, and every role has its inline policy
    expect(sharedGrantPolicies(json)).toHaveLength(0);
    for (const [, role] of resourcesOfType(json, 'AWS::IAM::Role')) {
      expect(role.Properties.Policies).toHaveLength(1);
    }
  });

  test('100 agents in five identical groups: three groups share a policy, IAM resources stay at 1.05 per agent', () => {
    // GIVEN five tenants of 20 agents each, all granted alike within a tenant
    const { json } = tenantStack(FIVE_TENANTS_OF_20);
    const roles = resourcesOfType(json, 'AWS::IAM::Role');
    const managed = resourcesOfType(json, 'AWS::IAM::ManagedPolicy');
    // THEN the stack spends 100 roles + 2 boundary policies + 3 shared policies = 105 resources
    expect(roles).toHaveLength(100);
    expect(sharedGrantPolicies(json)).toHaveLength(100 / AgentGrantSharing.AGENTS_PER_SHARED_POLICY - 2);
    expect((roles.length + managed.length) / roles.length).toBeLessThanOrEqual(1.05);
    // AND each shared policy is attached to exactly the 20 agents of one tenant, who carry nothing inline
    for (const [policyId] of sharedGrantPolicies(json)) {
      const holders = roles.filter(([roleId]) => sharedGrantPoliciesOf(json, roleId).includes(policyId));
      expect(holders).toHaveLength(20);
      const tenants = new Set(
        holders.map(([, r]) => r.Properties.Tags.find((t: Json) => t.Key === 'ai:tenant').Value),
      );
      expect(tenants.size).toBe(1);
      for (const [, role] of holders) expect(role.Properties.Policies).toBeUndefined();
    }
    // AND the other 40 agents keep their grants inline
    const inline = roles.filter(([roleId]) => sharedGrantPoliciesOf(json, roleId).length === 0);
    expect(inline).toHaveLength(40);
    for (const [, role] of inline) expect(role.Properties.Policies).toHaveLength(1);
  });

  test('sharing never changes what an agent is granted', () => {
    // GIVEN the 100-agent stack (sharing) and a stack with one agent per tenant (nothing shared)
    const shared = tenantStack(FIVE_TENANTS_OF_20).json;
    const alone = tenantStack(FIVE_TENANTS_OF_20.map(() => ({ agents: 1 }))).json;
    expect(sharedGrantPolicies(shared).length).toBeGreaterThan(0);
    // THEN the first agent of every tenant has, statement for statement, the same grants in both
    for (let t = 0; t < 5; t++) {
      const name = `agent-${t}-0`;
      const a = grantsOf(rolePolicies(shared, agentRoleId(shared, name)));
      const b = grantsOf(rolePolicies(alone, agentRoleId(alone, name)));
      expect(a.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
    }
  });

  test('a shared policy keeps tenants apart (simulated): tenant 0 reads its inbox, not tenant 1', async () => {
    // GIVEN an agent whose grants live in a shared policy
    const { json } = tenantStack(FIVE_TENANTS_OF_20);
    const roleId = Object.keys(json.Resources).find(
      (id) => json.Resources[id].Type === 'AWS::IAM::Role' && sharedGrantPoliciesOf(json, id).length > 0,
    )!;
    const role = rolePolicies(json, roleId);
    const tenant = role.tags['ai:tenant'];
    const t = Number(tenant.replace('tenant-', ''));
    const other = (t + 1) % 5;
    const resolver = new TemplateResolver(json);
    const inboxArn = (i: number) => {
      const bucketId = Object.keys(json.Resources).find(
        (k) => k.startsWith(`Inbox${i}`) && json.Resources[k].Type === 'AWS::S3::Bucket',
      )!;
      return `${resolver.arn(bucketId)}/inbox/report.txt`;
    };
    const read = (i: number, tags: string) =>
      simulate(role, {
        action: 's3:GetObject',
        resource: inboxArn(i),
        bucketAbac: true,
        context: {
          'aws:ResourceTag/ai:tenant': tags,
          'aws:ResourceTag/ai:classification': 'internal',
        },
      });
    // THEN its own tenant's inbox is readable and another tenant's is not, nor may it write
    expect(await read(t, tenant)).toBe('Allowed');
    // (explicitly: the tenant fence of the permissions guardrails stops it whatever is granted)
    expect(await read(other, `tenant-${other}`)).toBe('ExplicitlyDenied');
    expect(
      await simulate(role, {
        action: 's3:PutObject',
        resource: inboxArn(t),
        bucketAbac: true,
        context: { 'aws:ResourceTag/ai:tenant': tenant, 'aws:ResourceTag/ai:classification': 'internal' },
      }),
    ).toBe('ImplicitlyDenied');
  });

  test('the groups whose sharing saves most are shared first', () => {
    // GIVEN 60 agents (budget: one shared policy): 30 with a small grant, 30 with a larger one
    const { json } = tenantStack([{ agents: 30 }, { agents: 30, table: true }]);
    // THEN only the larger document is shared, by tenant 1's agents
    const shared = sharedGrantPolicies(json);
    expect(shared).toHaveLength(1);
    expect(JSON.stringify(shared[0][1].Properties.PolicyDocument)).toContain('dynamodb:GetItem');
    const holder = agentRoleId(json, 'agent-1-7');
    expect(sharedGrantPoliciesOf(json, holder)).toEqual([shared[0][0]]);
    expect(sharedGrantPoliciesOf(json, agentRoleId(json, 'agent-0-7'))).toEqual([]);
  });

  test('a grant added after packing, by an aspect, lands inline on that agent alone', () => {
    // GIVEN an aspect that grants one extra queue to agent-0-3 while synthesis visits it
    const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:agent-0-3-extra`;
    const { json } = tenantStack(FIVE_TENANTS_OF_20, (_stack, agents) => {
      const late: IAspect = {
        visit(node: IConstruct) {
          if (node === agents[0][3]) {
            agents[0][3].addToAgentPolicy(
              new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queueArn] }),
            );
          }
        },
      };
      Aspects.of(agents[0][3]).add(late);
    });
    // THEN agent-0-3 has the queue inline, and no shared policy mentions it
    const id = agentRoleId(json, 'agent-0-3');
    const inline = json.Resources[id].Properties.Policies ?? [];
    expect(JSON.stringify(inline)).toContain(queueArn);
    for (const [, policy] of sharedGrantPolicies(json))
      expect(JSON.stringify(policy)).not.toContain(queueArn);
    // AND another agent of the same tenant does not get it
    const neighbour = rolePolicies(json, agentRoleId(json, 'agent-0-4'));
    expect(JSON.stringify(grantsOf(neighbour))).not.toContain(queueArn);
  });

  test('one more agent in a shared group keeps every role and every shared policy id', () => {
    // GIVEN the 100-agent stack, and the same with a 21st agent for a tenant whose policy is shared
    const before = tenantStack(FIVE_TENANTS_OF_20).json;
    const sharedTenant = Number(
      before.Resources[
        Object.keys(before.Resources).find(
          (id) =>
            before.Resources[id].Type === 'AWS::IAM::Role' && sharedGrantPoliciesOf(before, id).length > 0,
        )!
      ].Properties.Tags.find((t: Json) => t.Key === 'ai:tenant').Value.replace('tenant-', ''),
    );
    const after = tenantStack(
      FIVE_TENANTS_OF_20.map((s, t) => (t === sharedTenant ? { agents: 21 } : s)),
    ).json;
    // THEN every role and shared policy of before is still there under the same logical id
    const ids = (json: Json, type: string) => resourcesOfType(json, type).map(([id]) => id);
    expect(ids(after, 'AWS::IAM::Role')).toEqual(expect.arrayContaining(ids(before, 'AWS::IAM::Role')));
    expect(sharedGrantPolicies(after).map(([id]) => id)).toEqual(
      sharedGrantPolicies(before).map(([id]) => id),
    );
    // AND the new agent joined its tenant's shared policy
    const newcomer = agentRoleId(after, `agent-${sharedTenant}-20`);
    expect(sharedGrantPoliciesOf(after, newcomer)).toHaveLength(1);
  });

  test('a fleet shrinking below the budget moves shared grants back inline without replacing a role', () => {
    // GIVEN the 100-agent stack (three groups shared) and the same tenants cut to 59 agents
    const before = tenantStack(FIVE_TENANTS_OF_20).json;
    const after = tenantStack([{ agents: 20 }, { agents: 20 }, { agents: 19 }]).json;
    expect(sharedGrantPolicies(before).length).toBeGreaterThan(0);
    // THEN nothing is shared any more, and every remaining agent keeps its role's logical id,
    // now with its grants inline: identical to what the shared policy held
    expect(sharedGrantPolicies(after)).toEqual([]);
    for (const [id, role] of resourcesOfType(after, 'AWS::IAM::Role')) {
      expect(before.Resources[id]?.Type).toBe('AWS::IAM::Role');
      const name = role.Properties.Tags.find((t: Json) => t.Key === 'ai:agent').Value;
      expect(grantsOf(rolePolicies(after, id))).toEqual(
        grantsOf(rolePolicies(before, agentRoleId(before, name))),
      );
    }
  });

  test('AwsSolutions, NIST 800-53 R5 and AgentIdentityChecks find nothing unacknowledged on agents or shared policies', () => {
    // GIVEN a stack where most agents share policies with object-wildcard (prefix) grants
    const { app, stack, json } = tenantStack(FIVE_TENANTS_OF_20);
    expect(sharedGrantPolicies(json).length).toBeGreaterThan(0);
    // WHEN every pack judges it
    const findings: string[] = [];
    for (const pack of [
      new AwsSolutionsChecks(app),
      new NIST80053R5Checks(app),
      new AgentIdentityChecks(app),
    ]) {
      for (const v of pack.validateScope(stack).violations) {
        for (const r of v.violatingResources) findings.push(`${v.ruleName} ${r.constructPath}`);
      }
    }
    // THEN nothing is left on the library's IAM resources (the demo buckets are not hardened, and
    // no audit trail records these agents: test/audit covers that rule)
    const onLibrary = findings.filter(
      (f) =>
        /\/(Agent\d|AgentSharedGrants|AgentBoundary)/.test(f) && !f.startsWith('AgentIdentity-AuditTrail'),
    );
    expect(onLibrary).toEqual([]);
  });

  test('an acknowledgement only some agents of a group carry is not carried over to their shared policy', () => {
    // GIVEN one agent of every tenant acknowledging a made-up finding
    const { stack, json } = tenantStack(FIVE_TENANTS_OF_20, (_s, agents) => {
      for (const group of agents) {
        Validations.of(group[0]).acknowledge({ id: 'Example-OneAgentOnly', reason: 'only this agent' });
      }
    });
    // THEN no shared policy carries it, while the acknowledgements all agents share are carried
    const policies = stack.node
      .findAll()
      .filter((c) => c.node.path.includes('/AgentSharedGrants/') && c.node.id.startsWith('Grants'));
    expect(policies.length).toBe(sharedGrantPolicies(json).length);
    for (const policy of policies) {
      const ids = policy.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.keys(m.data));
      expect(ids.join(' ')).not.toContain('Example-OneAgentOnly');
      expect(ids.join(' ')).toContain('AwsSolutions-IAM5');
    }
  });

  test('the entitlement diff between an inline and a shared layout reports no widening for an agent', () => {
    // GIVEN the same first agent of tenant 0, alone (inline) and among 100 (maybe shared)
    const alone = tenantStack(FIVE_TENANTS_OF_20.map(() => ({ agents: 1 })));
    const many = tenantStack(FIVE_TENANTS_OF_20);
    const report = (x: { json: Json; stack: Stack }) =>
      buildEntitlementReport([{ stackName: 'Fleet', template: x.json }], collectAcknowledgements(x.stack));
    // WHEN the reports are compared
    const diff = diffEntitlementReports(report(alone), report(many));
    // THEN the agents present in both have no widening change (the rest are new agents)
    const known = new Set(FIVE_TENANTS_OF_20.map((_s, t) => `agent-${t}-0`));
    const changes = diff.changes.filter((c) => known.has(c.agent));
    expect(changes.filter((c) => c.widened)).toEqual([]);
    expect(
      diff.changes.filter((c) => !known.has(c.agent)).every((c) => c.kind === ChangeKind.AGENT_ADDED),
    ).toBe(true);
  });
});
