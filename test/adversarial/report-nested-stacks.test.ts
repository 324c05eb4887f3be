/**
 * Attacker-first: an agent defined inside a `NestedStack` (or a grant made there) must be in the
 * entitlement evidence as surely as one in a top-level stack. A validation plugin receives only the
 * top-level templates; the checks follow nested stacks, so the report must too — with the same
 * attribution, or what the pack judges and what the report shows disagree.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AgentIdentity, AgentRuntime, DataAccess, DataClassification, DataStore, DataTags } from '../../lib';
import { AgentEntitlementReport } from '../../lib/report';
import { EntitlementReportJson } from '../../lib/report/entitlement-report-schema';
import { ENV, check } from '../checks/fixtures';

interface NestedApp {
  readonly app: App;
  readonly parent: Stack;
  readonly nested: NestedStack;
  readonly agent: AgentIdentity;
}

/** A parent stack with a bucket of tenant acme, and an agent of tenant acme inside a nested stack reading it. */
function nestedAgentApp(): NestedApp {
  const app = new App();
  const parent = new Stack(app, 'Platform', { env: ENV });
  const bucket = new s3.Bucket(parent, 'AcmeInbox', { enforceSSL: true });
  DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
  const nested = new NestedStack(parent, 'Agents');
  const agent = new AgentIdentity(nested, 'Triage', {
    agentName: 'nested-triage',
    runtime: AgentRuntime.lambda(),
    tenant: 'acme',
    owner: 'team@example.com',
  });
  agent.grantData(DataStore.s3Bucket(bucket, { prefix: 'inbox/' }), DataAccess.READ);
  Validations.of(agent.role).acknowledge({
    id: 'AgentIdentity-ExampleFinding',
    reason: 'acknowledged inside the nested stack',
  });
  return { app, parent, nested, agent };
}

/** Synthesizes with the report plugin and reads agent-entitlements.json from the assembly. */
function synthReport(app: App): EntitlementReportJson {
  Validations.of(app).addPlugins(new AgentEntitlementReport(app));
  const assembly = app.synth();
  return JSON.parse(fs.readFileSync(path.join(assembly.directory, 'agent-entitlements.json'), 'utf8'));
}

describe('entitlement report over nested stacks', () => {
  test('an agent inside a NestedStack is in agent-entitlements.json, with its grants and acknowledgements', () => {
    // GIVEN an agent inside a nested stack
    const { app } = nestedAgentApp();

    // WHEN synthesized with the report plugin
    const report = synthReport(app);

    // THEN the agent is reported, named after its nested stack
    const record = report.agents.find((a) => a.agentName === 'nested-triage');
    expect(record).toBeDefined();
    expect(record!.stackName).toBe('Platform/Agents');
    expect(record!.tenant).toBe('acme');
    // its bucket grant (the bucket is a parameter of the nested stack, from the parent) is listed
    expect(record!.dataStores.flatMap((d) => d.actions)).toEqual(expect.arrayContaining(['s3:GetObject']));
    // its acknowledgement, recorded on a construct inside the nested stack, is attached to it
    expect(record!.acknowledgedFindings.map((f) => f.ruleId)).toContain('AgentIdentity-ExampleFinding');
  });

  test('a bucket policy in the parent naming the nested agent is reported as a resource-policy grant', () => {
    // GIVEN a bucket of tenant globex in the parent granting the nested agent (its ARN is a nested output)
    const { app, parent, agent } = nestedAgentApp();
    const globex = new s3.Bucket(parent, 'GlobexData', { enforceSSL: true });
    DataTags.of(globex).apply({ tenant: 'globex', classification: DataClassification.INTERNAL });
    globex.grantRead(new iam.ArnPrincipal(agent.roleArn));

    // WHEN
    const report = synthReport(app);

    // THEN the report lists the grant under the agent, with its source resource ...
    const record = report.agents.find((a) => a.agentName === 'nested-triage')!;
    const sources = (record.resourcePolicyGrants ?? []).map((g) => g.sourceResource);
    expect(sources.some((s) => s.startsWith('Platform/GlobexDataPolicy'))).toBe(true);

    // ... and the checks judge the same statement (one reader: same attribution, same source)
    const ids = check(app).violations.map((v) => v.ruleName);
    expect(
      ids.some((id) => id.startsWith('AgentIdentity-TenantAbac[ResourcePolicy::Platform/GlobexDataPolicy')),
    ).toBe(true);
  });

  test('the checks and the report see the same agents, nested or not', () => {
    // GIVEN one agent at top level and one nested
    const { app, parent } = nestedAgentApp();
    new AgentIdentity(parent, 'Top', {
      agentName: 'top-agent',
      runtime: AgentRuntime.lambda(),
      tenant: 'acme',
      owner: 'team@example.com',
    });
    // WHEN / THEN
    const report = synthReport(app);
    expect(report.agents.map((a) => `${a.stackName}:${a.agentName}`).sort()).toEqual([
      'Platform/Agents:nested-triage',
      'Platform:top-agent',
    ]);
  });
});
