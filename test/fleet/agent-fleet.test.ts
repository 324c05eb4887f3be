import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AgentAuditTrail, AgentFleet, DataClassification, DataStore, DataTags } from '../../lib';
import { agentRoleId, rolePolicies, simulate } from '../helpers/simulate';

const ENV = { account: '111111111111', region: 'us-east-1' };

function manifest(names: string[], stacks = 3) {
  return {
    version: 1,
    stacks,
    agents: names.map((name) => ({
      name,
      runtime: 'lambda',
      tenant: 'acme',
      owner: 'platform@example.com',
      data: [{ store: 'inbox', access: 'read' }],
      models: [{ foundationModel: 'anthropic.claude-3-5-haiku-20241022-v1:0' }],
    })),
  };
}

function fleetApp(names: string[], stacks = 3) {
  const app = new App();
  const storeStack = new Stack(app, 'Stores', { env: ENV });
  const inbox = new s3.Bucket(storeStack, 'Inbox');
  DataTags.of(inbox).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
  const fleet = AgentFleet.fromObject(app, 'Fleet', manifest(names, stacks), {
    env: ENV,
    stores: { inbox: DataStore.s3Bucket(inbox, { prefix: 'inbox/' }) },
  });
  return { app, fleet };
}

/** Logical id and stack of every agent role, keyed by agent name. */
function rolePlacement(fleet: AgentFleet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const stack of fleet.stacks) {
    const template = Template.fromStack(stack).toJSON();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    for (const [id, r] of Object.entries<any>(template.Resources)) {
      const tag = (r.Properties?.Tags ?? []).find((t: { Key: string }) => t.Key === 'ai:agent');
      if (r.Type === 'AWS::IAM::Role' && tag) out[tag.Value] = `${stack.stackName}/${id}`;
    }
  }
  return out;
}

describe('AgentFleet', () => {
  test('creates one agent per manifest entry with its grants, spread over the stacks', () => {
    // GIVEN a manifest of 12 agents over 3 stacks
    const names = Array.from({ length: 12 }, (_, i) => `agent-${i}`);
    // WHEN
    const { fleet } = fleetApp(names);
    // THEN every agent exists in the stack its name hashes to
    expect(fleet.agents.map((a) => a.agentName)).toEqual(names);
    expect(fleet.stacks).toHaveLength(3);
    for (const name of names) {
      expect(Stack.of(fleet.agent(name)).node.id).toBe(`Shard${AgentFleet.shardOf(name, 3)}`);
    }
    const placement = rolePlacement(fleet);
    expect(Object.keys(placement).sort()).toEqual([...names].sort());
  });

  test('adding an agent does not move or rename any existing role', () => {
    const names = Array.from({ length: 20 }, (_, i) => `agent-${i}`);
    const before = rolePlacement(fleetApp(names).fleet);
    const after = rolePlacement(fleetApp([...names, 'agent-new']).fleet);
    for (const name of names) expect(after[name]).toBe(before[name]);
    expect(after['agent-new']).toBeDefined();
  });

  test('removing an agent does not move any other role', () => {
    const names = Array.from({ length: 20 }, (_, i) => `agent-${i}`);
    const before = rolePlacement(fleetApp(names).fleet);
    const after = rolePlacement(fleetApp(names.filter((n) => n !== 'agent-7')).fleet);
    for (const name of names.filter((n) => n !== 'agent-7')) expect(after[name]).toBe(before[name]);
    expect(after['agent-7']).toBeUndefined();
  });

  test('a fleet agent gets exactly its manifest grants (simulated)', async () => {
    const { fleet } = fleetApp(['reader']);
    const json = Template.fromStack(Stack.of(fleet.agent('reader'))).toJSON();
    const role = rolePolicies(json, agentRoleId(json, 'reader'));
    const model = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0';
    expect(await simulate(role, { action: 'bedrock:InvokeModel', resource: model })).toBe('Allowed');
    expect(
      await simulate(role, {
        action: 'bedrock:InvokeModel',
        resource: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-opus-20240229-v1:0',
      }),
    ).toBe('ImplicitlyDenied');
  });

  test('inside a stack the fleet uses nested stacks', () => {
    const app = new App();
    const parent = new Stack(app, 'Parent', { env: ENV });
    const agents = ['a', 'b', 'c', 'd'].map((name) => ({ name, runtime: 'lambda' }));
    const fleet = AgentFleet.fromObject(parent, 'Fleet', { version: 1, stacks: 2, agents });
    expect(fleet.stacks.every((s) => s.nested)).toBe(true);
    Template.fromStack(parent).resourceCountIs('AWS::CloudFormation::Stack', fleet.stacks.length);
  });

  test('an EKS Pod Identity agent of the manifest is trusted by exactly its namespace and service account', () => {
    // GIVEN a manifest agent with runtime { eksPodIdentity: { namespace, serviceAccount } }
    const app = new App();
    const fleet = AgentFleet.fromObject(app, 'Fleet', {
      version: 1,
      agents: [
        { name: 'pod', runtime: { eksPodIdentity: { namespace: 'agents', serviceAccount: 'worker' } } },
      ],
    });
    // WHEN the fleet stack synthesizes
    const template = Template.fromStack(fleet.stacks[0]);
    // THEN the validated manifest carries the details and the role trusts EKS Pod Identity for them only
    expect(fleet.manifest.agents[0]).toMatchObject({
      runtime: 'eks-pod-identity',
      eksPodIdentity: { kubernetesNamespace: 'agents', serviceAccount: 'worker' },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'pods.eks.amazonaws.com' },
            Condition: Match.objectLike({
              StringEquals: Match.objectLike({
                'aws:RequestTag/kubernetes-namespace': 'agents',
                'aws:RequestTag/kubernetes-service-account': 'worker',
              }),
            }),
          }),
        ]),
      },
    });
  });

  test('a shard no agent hashes to gets no (undeployable, empty) stack', () => {
    const app = new App();
    const fleet = AgentFleet.fromObject(app, 'Fleet', {
      version: 1,
      stacks: 50,
      agents: [{ name: 'only', runtime: 'lambda' }],
    });
    expect(fleet.stacks.map((s) => s.node.id)).toEqual([`Shard${AgentFleet.shardOf('only', 50)}`]);
  });

  test('too many agents for one stack is a clear error asking for more stacks', () => {
    const app = new App();
    expect(() =>
      AgentFleet.fromObject(app, 'Fleet', manifest(['a', 'b', 'c'], 1), {
        maxAgentsPerStack: 2,
        stores: { inbox: DataStore.s3Bucket(new s3.Bucket(new Stack(app, 'S'), 'B')) },
      }),
    ).toThrow(
      /stack Shard0 would hold 3 agents, more than maxAgentsPerStack \(2\); raise 'stacks' in the manifest/,
    );
  });

  test.each([
    ['sibling stacks', false],
    ['nested stacks', true],
  ])(
    'a fleet stack whose written template is over 1 MB fails synth, naming the stack and the fix (%s)',
    (_kind, nested) => {
      // GIVEN a fleet whose first stack's template carries ~1.1 MB of metadata
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-size-'));
      const app = new App({ outdir });
      const parent = nested ? new Stack(app, 'Parent', { env: ENV }) : app;
      const agents = ['a', 'b', 'c'].map((name) => ({ name, runtime: 'lambda' }));
      const fleet = AgentFleet.fromObject(parent, 'Fleet', { version: 1, stacks: 1, agents }, { env: ENV });
      fleet.stacks[0].templateOptions.metadata = { padding: 'x'.repeat(1_100_000) };
      // WHEN synthesized THEN it fails, and the report says which stack, how big, and what to change
      let message = '';
      try {
        app.synth();
      } catch (e) {
        message = (e as Error).message;
      }
      const report = fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8');
      for (const text of [message, report]) {
        expect(text).toContain('FleetTemplateSize');
        expect(text).toContain("raise 'stacks' in the manifest (1 now)");
      }
      expect(message).toMatch(
        /fleet stack (Parent\/)?Fleet\/Shard0 has a 1,1\d\d,\d{3}-byte template, over CloudFormation's 1 MB/,
      );
    },
  );

  test('a fleet stack that would export more than 200 role names to an audit trail is a clear error', () => {
    // GIVEN 201 agents in one fleet stack, recorded by a trail in a stack of its own
    const app = new App();
    const trail = new AgentAuditTrail(new Stack(app, 'Audit', { env: ENV }), 'Trail');
    const agents = Array.from({ length: 201 }, (_, i) => ({ name: `agent-${i}`, runtime: 'lambda' }));
    AgentFleet.fromObject(app, 'Fleet', { version: 1, stacks: 1, agents }, { env: ENV, auditTrail: trail });
    // WHEN synthesized THEN it fails on the outputs, before any deploy
    expect(() => app.synth()).toThrow(
      /fleet stack Fleet\/Shard0 declares 201 outputs, over CloudFormation's 200 per template .*raise 'stacks' in the manifest \(1 now\)/,
    );
  });

  test('a fleet stack under 1 MB passes the template size check', () => {
    // GIVEN a fleet stack with a template just under the limit
    const app = new App();
    const agents = ['a', 'b', 'c'].map((name) => ({ name, runtime: 'lambda' }));
    const fleet = AgentFleet.fromObject(app, 'Fleet', { version: 1, stacks: 1, agents }, { env: ENV });
    fleet.stacks[0].templateOptions.metadata = { padding: 'x'.repeat(900_000) };
    // WHEN synthesized THEN nothing fails
    expect(() => app.synth()).not.toThrow();
  });

  test('a store the manifest names but the code does not provide is a clear error', () => {
    const app = new App();
    expect(() => AgentFleet.fromObject(app, 'Fleet', manifest(['a'], 1), { stores: {} })).toThrow(
      /agents\[0\] \(a\) names store "inbox", which is not in options.stores \(known: none\)/,
    );
  });

  test('the shard of a name is stable and spreads names evenly', () => {
    expect(AgentFleet.shardOf('acme-triage', 8)).toBe(AgentFleet.shardOf('acme-triage', 8));
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 800; i++) counts[AgentFleet.shardOf(`agent-${i}`, 8)]++;
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(Math.max(...counts)).toBeLessThan(140);
  });
});
