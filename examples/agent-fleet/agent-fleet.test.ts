import { App, Stack } from 'aws-cdk-lib';
import { AgentFleet, AgentGrantSharing } from '../../lib';
import { DEMO_BUCKET_CONTROL_TOWER } from '../_shared/demo-data-bucket';
import { withImports } from '../../test/helpers/resolve';
import { resourcesOfType, sharedGrantPolicies } from '../../test/helpers/templates';
import { unacknowledgedFindings } from '../_shared/example-checks';
import { describeRulePackTests } from '../_shared/standard-tests';
import {
  actionIsKnown,
  actionsOf,
  agentRole,
  arnOf,
  logicalIdOf,
  simulateAs,
  templateOf,
} from '../_shared/simulation';
import { MANIFEST, TENANTS, buildApp, storeName } from './app';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const tagOf = (resource: Json, key: string): string | undefined =>
  (resource.Properties?.Tags ?? []).find((t: Json) => t.Key === key)?.Value;

/** The agent roles a managed policy of the template is attached to (`ManagedPolicyArns` Ref). */
const holdersOf = (template: Json, policyId: string): [string, Json][] =>
  resourcesOfType(template, 'AWS::IAM::Role').filter(([, r]) =>
    (r.Properties.ManagedPolicyArns ?? []).some((a: Json) => a?.Ref === policyId),
  );

/**
 * The first agent holding the template's first shared grant policy: its role, tenant and the next
 * tenant of TENANTS (undefined when nothing is shared).
 */
function firstSharedHolder(template: Json) {
  const [shared] = sharedGrantPolicies(template);
  if (!shared) return undefined;
  const [, holder] = holdersOf(template, shared[0])[0];
  const name = tagOf(holder, 'ai:agent')!;
  const own = tagOf(holder, 'ai:tenant')!;
  const other = TENANTS[(TENANTS.indexOf(own as (typeof TENANTS)[number]) + 1) % TENANTS.length];
  return { policyId: shared[0], name, own, other, role: agentRole(template, name) };
}

/** `<stack name>/<logical id>` of every agent role of the fleet, by agent name. */
function rolePlacement(stacks: Stack[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const stack of stacks) {
    for (const [id, role] of resourcesOfType(templateOf(stack), 'AWS::IAM::Role')) {
      const agent = tagOf(role, 'ai:agent');
      if (agent) out[agent] = `${stack.stackName}/${id}`;
    }
  }
  return out;
}

describe('example: agent-fleet', () => {
  // GIVEN the example app: four tenants' ticket buckets, the 128 agents of agents.yaml spread by
  // the fleet over two stacks, and an audit trail recording every agent
  const app = new App();
  const example = buildApp(app);
  const { fleet } = example;
  const manifest = AgentFleet.readManifest(MANIFEST);
  const storesTemplate = templateOf(example.stores);
  const fleetTemplates = fleet.stacks.map((stack) => withImports(templateOf(stack), [storesTemplate]));
  const tenants = Object.fromEntries(
    TENANTS.map((tenant) => [
      tenant,
      {
        bucket: arnOf(storesTemplate, logicalIdOf(example.stores, `Tenant-${tenant}/Tickets`)),
        tags: {
          'aws:ResourceTag/ai:tenant': tenant,
          'aws:ResourceTag/ai:classification': 'internal',
        },
      },
    ]),
  );
  const templateOfAgent = (name: string): Json =>
    fleetTemplates[fleet.stacks.indexOf(Stack.of(fleet.agent(name)))];

  test('agents.yaml defines 32 agents per tenant, each in the fleet stack its name hashes to, each stack holding at least 60', () => {
    // WHEN the manifest and the fleet's stacks are read
    const placement = rolePlacement(fleet.stacks);
    // THEN every agent of the manifest has exactly one role, in its stack, and every stack holds
    // enough agents (60) for the sharing budget to allow at least one shared policy
    expect(manifest.agents).toHaveLength(128);
    for (const tenant of TENANTS) {
      expect(manifest.agents.filter((a) => a.tenant === tenant)).toHaveLength(32);
    }
    expect(Object.keys(placement).sort()).toEqual(manifest.agents.map((a) => a.name).sort());
    expect(fleet.stacks).toHaveLength(manifest.stacks);
    for (const agent of manifest.agents) {
      const stack = fleet.stacks.find(
        (s) => s.node.id === `Shard${AgentFleet.shardOf(agent.name, manifest.stacks)}`,
      )!;
      expect(placement[agent.name]).toMatch(new RegExp(`^${stack.stackName}/`));
    }
    for (const template of fleetTemplates) {
      expect(resourcesOfType(template, 'AWS::IAM::Role').length).toBeGreaterThanOrEqual(
        3 * AgentGrantSharing.AGENTS_PER_SHARED_POLICY,
      );
    }
  });

  describe.each(fleet.stacks.map((stack, i) => [stack.stackName, i]))(
    'fleet stack %s: one IAM resource per agent',
    (_name, i) => {
      const template = fleetTemplates[i as number];
      const roles = resourcesOfType(template, 'AWS::IAM::Role');

      test('roles + managed policies stay at or below 1.05 per role', () => {
        // WHEN the stack's IAM resources are counted
        const managed = resourcesOfType(template, 'AWS::IAM::ManagedPolicy');
        // THEN the boundary pair and the shared policies cost at most one resource per 20 agents
        expect(roles.length).toBeGreaterThan(0);
        expect((roles.length + managed.length) / roles.length).toBeLessThanOrEqual(1.05);
      });

      test('at least one policy is shared, each by agents of a single tenant who carry nothing inline', () => {
        // WHEN the shared grant policies and the roles they are attached to are listed
        const shared = sharedGrantPolicies(template);
        // THEN there is one at least, each attached to two or more agents of one tenant only,
        // whose whole grants it holds
        expect(shared.length).toBeGreaterThanOrEqual(1);
        for (const [policyId] of shared) {
          const holders = holdersOf(template, policyId);
          expect(holders.length).toBeGreaterThanOrEqual(2);
          expect(new Set(holders.map(([, r]) => tagOf(r, 'ai:tenant'))).size).toBe(1);
          for (const [, role] of holders) expect(role.Properties.Policies).toBeUndefined();
        }
      });
    },
  );

  describe.each(fleet.stacks.map((stack, i) => [stack.stackName, i]))(
    'an agent of fleet stack %s whose grants live in a shared policy (simulated, S3 bucket ABAC on)',
    (_name, i) => {
      const template = fleetTemplates[i as number];
      const holder = firstSharedHolder(template);

      test('holds its grants only through the shared policy', () => {
        // WHEN the policies IAM evaluates for the agent are listed
        expect(holder).toBeDefined();
        const names = holder!.role.identityPolicies.map((p) => p.name);
        // THEN its grants come from the shared policy, besides the stack's permissions guardrails
        expect(names.filter((n) => !n.startsWith('AgentBoundary'))).toEqual([holder!.policyId]);
        expect(actionsOf(holder!.role)).toEqual(expect.arrayContaining(['s3:GetObject']));
      });

      test.each([
        ['reads a ticket of its own tenant', 's3:GetObject', 'own', 'own', 'Allowed'],
        // another tenant's data: explicitly denied by the tenant fence of the permissions guardrails
        ['reads a ticket of another tenant', 's3:GetObject', 'other', 'other', 'ExplicitlyDenied'],
        [
          'reads its own tenant’s bucket tagged for another tenant',
          's3:GetObject',
          'own',
          'other',
          'ExplicitlyDenied',
        ],
        [
          'writes a ticket of its own tenant (it only reads)',
          's3:PutObject',
          'own',
          'own',
          'ImplicitlyDenied',
        ],
      ])('%s (%s)', async (_what, action, bucketOf, taggedFor, expected) => {
        // WHEN the agent calls S3 on an object of a tenant's bucket carrying a tenant's tags
        expect(holder).toBeDefined();
        const { role, own, other } = holder!;
        const tenant = (which: string) => tenants[which === 'own' ? own : other];
        const decision = await simulateAs(role, {
          action,
          resource: `${tenant(bucketOf).bucket}/2024/ticket-1.json`,
          context: tenant(taggedFor).tags,
        });
        // THEN the shared policy lets it read its own tenant's tickets, nothing else
        expect(decision).toBe(expected);
      });
    },
  );

  test('a curator (read-write) writes its own tenant’s tickets and not another’s (simulated)', async () => {
    // GIVEN acme's first curator
    const role = agentRole(templateOfAgent('acme-curator-01'), 'acme-curator-01');
    // WHEN it writes a ticket of acme, and one of globex
    const write = (tenant: string) =>
      simulateAs(role, {
        action: 's3:PutObject',
        resource: `${tenants[tenant].bucket}/2024/ticket-1.json`,
        context: tenants[tenant].tags,
      });
    // THEN only its own tenant's write is allowed (so a triage agent's denied write is its access level)
    expect(await write('acme')).toBe('Allowed');
    expect(await write('globex')).toBe('ExplicitlyDenied');
  });

  test('adding an agent to the manifest keeps every existing role’s logical id and stack', () => {
    // GIVEN the same app built again with one more acme triage agent appended to agents.yaml's agents
    const before = rolePlacement(fleet.stacks);
    const grown = buildApp(new App(), {
      extraAgents: [
        {
          name: 'acme-triage-31',
          runtime: 'lambda',
          tenant: 'acme',
          clearance: 'internal',
          owner: 'support-platform@acme.example.com',
          data: [{ store: storeName('acme'), access: 'read' }],
          models: [{ foundationModel: 'anthropic.claude-3-5-haiku-20241022-v1:0' }],
        },
      ],
    });
    // WHEN every agent role of the grown fleet is located
    const after = rolePlacement(grown.fleet.stacks);
    // THEN no existing role moved to another stack or changed its logical id (no replacement)
    expect(Object.keys(before)).toHaveLength(128);
    for (const [agent, placement] of Object.entries(before)) {
      expect({ agent, placement: after[agent] }).toEqual({ agent, placement });
    }
    expect(Object.keys(after)).toHaveLength(129);
    expect(after['acme-triage-31']).toBeDefined();
  });

  test('the audit trail watches the sessions of every agent of the fleet', () => {
    // WHEN the roles named in the audit trail's access-denied metric filters are listed
    const audit = templateOf(example.audit);
    const filters = resourcesOfType(audit, 'AWS::Logs::MetricFilter').filter(([id]) =>
      id.includes('AccessDeniedFilter'),
    );
    const imported = new Set(
      JSON.stringify(filters.map(([, f]) => f.Properties.FilterPattern)).match(
        /"Fn::ImportValue":"[^"]+"/g,
      ) ?? [],
    );
    // THEN every agent role of the fleet is among them
    expect(imported.size).toBe(128);
  });

  test('every action of a triage agent’s and a curator’s grants exists', () => {
    // WHEN the actions of the agents' own grants are listed
    const actions = ['acme-triage-01', 'acme-curator-01'].flatMap((name) =>
      actionsOf(agentRole(templateOfAgent(name), name)),
    );
    // THEN each one exists in the IAM catalog
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 'bedrock:InvokeModel']));
    for (const action of actions)
      expect({ action, known: actionIsKnown(action) }).toEqual({ action, known: true });
  });

  test('the deliberate S3 object wildcard is acknowledged across stacks, on inline and shared grants alike', () => {
    // GIVEN the fleet's stacks, whose agents' buckets live in the stores stack (a cross-stack import)
    // WHEN AwsSolutions judges them after synthesis
    const findings = example.fleet.stacks.flatMap((stack) => unacknowledgedFindings(app, stack));
    // THEN no IAM5 finding is left, and the acknowledgement names the import cdk-nag sees
    expect(findings.filter((f) => f.startsWith('AwsSolutions-IAM5'))).toEqual([]);
    const acknowledged = example.fleet.stacks
      .flatMap((stack) => stack.node.findAll())
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(
      acknowledged.some((id) => /IAM5\[Resource::AgentFleetStores:ExportsOutput\w+\/\*\]/.test(id)),
    ).toBe(true);
  });

  for (const stack of example.stacks) {
    describe(`stack ${stack.stackName}`, () => {
      describeRulePackTests(
        app,
        stack,
        stack === example.stores
          ? TENANTS.flatMap((tenant) =>
              Object.keys(DEMO_BUCKET_CONTROL_TOWER).map(
                (rule) => `${rule} Tenant-${tenant}/Tickets/Resource`,
              ),
            )
          : [],
      );
    });
  }
});
