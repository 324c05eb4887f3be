import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentEntitlementReport } from '../../lib';
import { PERMISSIONS_GUARDRAILS } from '../../lib/identity/private/permissions-guardrails';
import { AgentEntitlementRecord, EntitlementReportJson } from '../../lib/report/entitlement-report-schema';
import { renderIntrinsics, renderList } from '../../lib/report/render-intrinsics';
import { HAIKU, KNOWLEDGE_BASE_ID, synthReport, tempDir } from './fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */

// GIVEN the reference app synthesized once with the report plugin registered
const { fixture, report, markdown } = synthReport();
const template = JSON.parse(fs.readFileSync(path.join(fixture.outdir, 'AgentsStack.template.json'), 'utf8'));
const triage = agentOf(report, 'email-triage');
const legacy = agentOf(report, 'legacy-bot');

function agentOf(r: EntitlementReportJson, name: string): AgentEntitlementRecord {
  const found = r.agents.find((a) => a.agentName === name);
  if (!found) throw new Error(`no agent ${name} in report`);
  return found;
}

/** Every Allow (action, resource) pair of a role's synthesized identity policies, read independently. */
function allowPairsFromTemplate(roleId: string, from: any = template): string[] {
  const resources = from.Resources as Record<string, any>;
  const docs: any[] = (resources[roleId].Properties.Policies ?? []).map((p: any) => p.PolicyDocument);
  for (const res of Object.values(resources)) {
    if (
      (res.Type === 'AWS::IAM::Policy' || res.Type === 'AWS::IAM::ManagedPolicy') &&
      JSON.stringify(res.Properties.Roles ?? []).includes(`"Ref":"${roleId}"`)
    ) {
      docs.push(res.Properties.PolicyDocument);
    }
  }
  const pairs: string[] = [];
  for (const doc of docs) {
    for (const s of doc.Statement) {
      if (s.Effect !== 'Allow') continue;
      for (const a of renderList(s.Action)) for (const r of renderList(s.Resource)) pairs.push(`${a} ${r}`);
    }
  }
  return [...new Set(pairs)].sort();
}

function s3StoreOf(agent: AgentEntitlementRecord): string {
  return agent.dataStores.find((d) => d.service === 's3')!.store;
}

/** Every Allow (action, resource) pair the report lists for an agent. */
function allowPairsFromReport(agent: AgentEntitlementRecord): string[] {
  const grants = [
    ...agent.dataStores.flatMap((d) => d.grants),
    ...agent.models.flatMap((m) => m.grants),
    ...agent.secrets.flatMap((s) => s.grants),
    ...agent.otherPermissions,
  ];
  return [
    ...new Set(grants.flatMap((g) => g.actions.flatMap((a) => g.resources.map((r) => `${a} ${r}`)))),
  ].sort();
}

describe('AgentEntitlementReport at synth', () => {
  test('writes agent-entitlements.json and .md into the cloud assembly', () => {
    // THEN both files sit next to the templates
    expect(fs.existsSync(path.join(fixture.outdir, 'agent-entitlements.json'))).toBe(true);
    expect(fs.existsSync(path.join(fixture.outdir, 'agent-entitlements.md'))).toBe(true);
    expect(report.schemaVersion).toBe(2);
    expect(report.generator).toBe('cdk-agent-identity');
  });

  test('finds every role tagged ai:agent, including a hand-written one, and nothing else', () => {
    expect(report.agents.map((a) => a.agentName)).toEqual(['email-triage', 'legacy-bot']);
    // the rotation Lambda's role is not an agent
    const roles = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(2);
  });

  test.each([['email-triage'], ['legacy-bot']])(
    'the Allow statements of %s in the template and in the report are the same set',
    (name) => {
      // GIVEN the role of the agent
      const agent = agentOf(report, name);
      // THEN every allowed (action, resource) in its policies is in the report, and nothing more
      expect(allowPairsFromReport(agent)).toEqual(allowPairsFromTemplate(agent.roleLogicalId));
    },
  );

  test('separate statements on one store stay separate (no cross product of their actions and resources)', () => {
    // GIVEN read on the bucket and its objects, and write on the objects only
    const { fixture: f, report: r } = synthReport({ inboxWrite: true });
    const t = JSON.parse(fs.readFileSync(path.join(f.outdir, 'AgentsStack.template.json'), 'utf8'));
    const agent = agentOf(r, 'email-triage');
    // THEN the report lists exactly the pairs of the template: s3:PutObject only on objects
    const pairs = allowPairsFromReport(agent);
    expect(pairs).toEqual(allowPairsFromTemplate(agent.roleLogicalId, t));
    expect(pairs.filter((p) => p.startsWith('s3:PutObject ')).map((p) => p.split(' ')[1])).toEqual([
      `${s3StoreOf(agent)}/*`,
    ]);
  });

  test('the statement added with role.addToPrincipalPolicy shows up, with its source policy', () => {
    const outbox = triage.dataStores.find((d) => d.service === 'sqs');
    expect(outbox).toMatchObject({ access: ['write'], actions: ['sqs:SendMessage'] });
    expect(outbox!.store).toMatch(/^\$\{Outbox[0-9A-F]+\.Arn\}$/);
    expect(outbox!.grants[0].source).toMatch(/^AWS::IAM::Policy TriageRoleDefaultPolicy/);
    expect(triage.otherPermissions).toEqual([
      expect.objectContaining({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': ['EmailTriage'] } },
      }),
    ]);
  });

  test('statements added with addToAgentPolicy show up as models, a knowledge base and a guardrail pin', () => {
    expect(triage.models.map((m) => [m.kind, m.resource])).toEqual([
      ['foundation-model', `arn:\${AWS::Partition}:bedrock:us-east-1::foundation-model/${HAIKU}`],
      [
        'knowledge-base',
        `arn:\${AWS::Partition}:bedrock:us-east-1:111111111111:knowledge-base/${KNOWLEDGE_BASE_ID}`,
      ],
    ]);
    expect(triage.guardrailPins.map((g) => [g.effect, g.operator])).toEqual([
      ['Allow', 'StringEquals'],
      ['Deny', 'StringNotEquals'],
    ]);
    expect(triage.denies.map((d) => d.sid)).toContain('DenyWithoutGuardrail');
  });

  test('grants through aws-cdk-lib grant methods group by store with access levels', () => {
    const inbox = triage.dataStores.find((d) => d.service === 's3')!;
    expect(inbox.store).toMatch(/^\$\{Inbox[0-9A-F]+\.Arn\}$/);
    expect(inbox.access).toEqual(['read']);
    expect(inbox.grants[0].resources).toEqual([inbox.store, `${inbox.store}/*`]);
    // the legacy bot's s3:* on the same bucket is read, write and delete
    expect(legacy.dataStores).toEqual([
      expect.objectContaining({ store: inbox.store, access: ['read', 'write', 'delete'] }),
    ]);
  });

  test('trust, tags and session come from the role', () => {
    expect(triage).toMatchObject({
      runtime: ['lambda'],
      tenant: 'acme',
      clearance: 'confidential',
      owner: 'support-platform@example.com',
      maxSessionDurationSeconds: 3600,
      trust: [
        {
          principals: ['Service:lambda.amazonaws.com'],
          actions: ['sts:AssumeRole'],
          conditions: { StringEquals: { 'aws:SourceAccount': ['111111111111'] } },
        },
      ],
    });
    expect(legacy).toMatchObject({
      runtime: ['account:222222222222'],
      tenant: null,
      clearance: null,
      owner: null,
    });
  });

  test('secrets list what they read and whether a rotation schedule rotates them', () => {
    expect(triage.secrets.map((s) => [s.reads, s.rotation !== null])).toEqual([
      [true, true],
      [true, false],
    ]);
    expect(triage.secrets[0].rotation).toMatchObject({ scheduleExpression: 'rate(30 days)' });
    expect(triage.secrets[0].rotation!.rotatedBy).toMatch(/^\$\{Rotator[0-9A-F]+\.Arn\}$/);
  });

  test('boundary and permissions guardrails: the AgentIdentity has all, the hand-written role none', () => {
    const sids = PERMISSIONS_GUARDRAILS.map((r) => r.sid);
    expect(triage.permissionsBoundary).toMatchObject({ readable: true });
    // the boundary repeats the rails of the services its ceiling lets through
    const withinCeiling = PERMISSIONS_GUARDRAILS.filter((r) => !r.beyondCeiling).map((r) => r.sid);
    expect(triage.permissionsBoundary!.denies.map((d) => d.sid).sort()).toEqual([...withinCeiling].sort());
    expect(triage.permissionsGuardrails).toEqual(sids);
    expect(triage.missingPermissionsGuardrails).toEqual([]);
    expect(legacy.permissionsBoundary).toBeNull();
    expect(legacy.permissionsGuardrails).toEqual([]);
    expect(legacy.missingPermissionsGuardrails).toEqual(sids);
  });

  test('the trail whose advanced event selectors name the role records the agent; the other is unrecorded', () => {
    expect(triage.auditTrails).toEqual([{ trail: 'AgentsStack/AgentTrail', scope: 'selects-agent' }]);
    expect(legacy.auditTrails).toEqual([]);
  });

  test('acknowledged findings are listed with their reasons, per agent and for the app', () => {
    expect(triage.acknowledgedFindings).toEqual([
      {
        ruleId: 'AgentIdentityChecks-MetricsWildcard',
        reason: 'PutMetricData has no resource type; the namespace condition narrows it',
        acknowledgedAt: 'AgentsStack/Triage',
      },
      {
        // the library's own acknowledgement of its one-inline-policy design is reported like any other
        ruleId: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason: expect.stringContaining('one inline policy bound to its role'),
        acknowledgedAt: 'AgentsStack/Triage/Role',
      },
    ]);
    expect(legacy.acknowledgedFindings).toEqual([
      {
        ruleId: 'AgentIdentityChecks::NoBoundary',
        reason: 'legacy bot, migrating in Q3',
        acknowledgedAt: 'AgentsStack/LegacyBot',
      },
    ]);
    // the app list also holds the library's own acknowledgements (boundary ceiling, one inline policy per agent)
    const fromUsers = report.acknowledgements.filter(
      (a) => !a.acknowledgedAt.includes('AgentBoundary') && !a.acknowledgedAt.endsWith('/Role'),
    );
    expect(fromUsers.map((a) => a.ruleId)).toEqual([
      'AgentIdentityChecks-MetricsWildcard',
      'AgentIdentityChecks::NoBoundary',
    ]);
  });

  test('unresolved intrinsics are rendered readably, never as raw JSON', () => {
    const text = JSON.stringify(report);
    expect(text).not.toContain('Fn::GetAtt');
    expect(text).not.toContain('Fn::Join');
    expect(text).not.toContain('"Ref"');
  });

  test('two synths of the same app give byte-identical reports (safe to commit as a baseline)', () => {
    const again = synthReport();
    expect(fs.readFileSync(path.join(again.fixture.outdir, 'agent-entitlements.json'), 'utf8')).toEqual(
      fs.readFileSync(path.join(fixture.outdir, 'agent-entitlements.json'), 'utf8'),
    );
  });

  test('the Markdown has an overview, a summary table per agent and a Mermaid graph', () => {
    expect(markdown).toContain('```mermaid\nflowchart LR\n');
    expect(markdown).toMatch(/agent\d+\(\["agent email-triage"\]\)/);
    expect(markdown).toMatch(/agent\d+ -->\|"read"\| store\d+/);
    expect(markdown).toMatch(/agent\d+ -->\|"reads, not rotated"\| secret\d+/);
    expect(markdown).toContain('## Agent `email-triage`');
    expect(markdown).toContain('## Agent `legacy-bot`');
    expect(markdown).toContain('| Tenant | `acme` |');
    expect(markdown).toContain('PutMetricData has no resource type; the namespace condition narrows it');
    // every mermaid line is a node or an edge with a quoted label
    const graph = markdown.split('```mermaid\n')[1].split('```')[0].trim().split('\n').slice(1);
    for (const line of graph)
      expect(line).toMatch(/^ {2}(\w+(\(\[|\[\(|\{\{|\[\/)".*"(\]\)|\)\]|\}\}|\/\])|\w+ -->\|".*"\| \w+)$/);
  });

  test('the plugin reports no violation, so it never fails synth on its own', () => {
    // GIVEN an app with an agent but nothing else
    const outdir = tempDir();
    const app = new App({ outdir });
    const stack = new Stack(app, 'Solo', { env: { account: '111111111111', region: 'us-east-1' } });
    new iam.Role(stack, 'Bot', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const plugin = new AgentEntitlementReport(app, { baseName: 'evidence' });
    Validations.of(app).addPlugins(plugin);
    // WHEN it synthesizes
    app.synth();
    // THEN the files carry the chosen base name, with no agent found
    const written = JSON.parse(fs.readFileSync(path.join(outdir, 'evidence.json'), 'utf8'));
    expect(written.agents).toEqual([]);
    expect(plugin.report?.agentNames).toEqual([]);
    expect(plugin.report?.toJson()).toEqual(written);
    expect(fs.readFileSync(path.join(outdir, 'evidence.md'), 'utf8')).toContain(
      'No role tagged `ai:agent` was found.',
    );
  });

  test('a base name that is not a plain file name is refused with the fix', () => {
    expect(() => new AgentEntitlementReport(undefined, { baseName: '../escape' })).toThrow(
      /baseName "..\/escape" must be a plain file name/,
    );
  });

  test('renderIntrinsics keeps what it cannot render visible', () => {
    expect(renderIntrinsics({ 'Fn::Sub': ['${A}-${B.Arn}-${AWS::Region}', { A: { Ref: 'X' } }] })).toBe(
      '${X}-${B.Arn}-${AWS::Region}',
    );
    expect(renderIntrinsics({ 'Fn::ImportValue': 'Shared:BucketArn' })).toBe(
      '${ImportValue:Shared:BucketArn}',
    );
    expect(renderIntrinsics({ 'Fn::If': ['C', 'a', 'b'] })).toBe('${Fn::If(["C","a","b"])}');
  });
});
