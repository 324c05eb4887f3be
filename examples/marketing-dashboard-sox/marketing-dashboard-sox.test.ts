import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describeRulePackTests } from '../_shared/standard-tests';
import { ACCOUNT, REGION, agentRole, arn, simulateAs, templateOf } from '../_shared/simulation';
import { MODEL_PROFILE, MarketingDashboardStack, OWNERS, buildApp } from './app';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// GIVEN the marketing dashboard app, synthesized into a fresh cloud assembly directory
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'marketing-dashboard-sox-'));
const app = new App({ outdir });
const [stack] = buildApp(app) as [MarketingDashboardStack];
app.synth();
const template = templateOf(stack);
const insights = agentRole(template, 'marketing-insights');
const narrator = agentRole(template, 'marketing-dashboard-narrator');
const tableLogicalId = stack.resolve((stack.metrics.node.defaultChild as CfnResource).logicalId);
const tableArn = arn('dynamodb', REGION, ACCOUNT, `table/${tableLogicalId}`);
const tableTags = { 'aws:ResourceTag/ai:classification': 'internal' };

afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('quarterly access evidence (SOX)', () => {
  const read = (name: string): string => fs.readFileSync(path.join(outdir, name), 'utf8');

  test('agent-entitlements.json lists every agent of the app with its owner', () => {
    // WHEN the evidence written at synth is read
    const report = JSON.parse(read('agent-entitlements.json'));
    // THEN every agent is listed exactly once, with the owner who signs off its access
    const owners = Object.fromEntries((report.agents as Json[]).map((a) => [a.agentName, a.owner]));
    expect(owners).toEqual(OWNERS);
    expect(report.schemaVersion).toBe(2);
  });

  test('every agent is covered by the audit trail and keeps all its permissions guardrails', () => {
    const report = JSON.parse(read('agent-entitlements.json'));
    for (const agent of report.agents as Json[]) {
      expect(agent.auditTrails.length).toBeGreaterThan(0);
      expect(agent.missingPermissionsGuardrails).toEqual([]);
      expect(agent.permissionsBoundary).not.toBeNull();
    }
  });

  test('agent-entitlements.md is written for the reviewers and names every agent', () => {
    const markdown = read('agent-entitlements.md');
    for (const name of Object.keys(OWNERS)) expect(markdown).toContain(`\`${name}\``);
  });
});

describe('marketing dashboard: what each agent may do (simulated)', () => {
  test.each<[string, string, string]>([
    ['marketing-insights', 'dynamodb:Query', 'Allowed'],
    ['marketing-insights', 'dynamodb:GetItem', 'Allowed'],
    ['marketing-insights', 'dynamodb:PutItem', 'ImplicitlyDenied'],
    ['marketing-insights', 'dynamodb:DeleteItem', 'ImplicitlyDenied'],
    ['marketing-dashboard-narrator', 'dynamodb:Query', 'ImplicitlyDenied'],
  ])('%s %s on the campaign metrics is %s', async (who, action, expected) => {
    // WHEN the agent calls DynamoDB on the tagged metrics table
    const role = who === 'marketing-insights' ? insights : narrator;
    const decision = await simulateAs(role, { action, resource: tableArn, context: tableTags });
    // THEN only the insights agent reads, and nobody writes
    expect(decision).toBe(expected);
  });

  test.each([['marketing-insights'], ['marketing-dashboard-narrator']])(
    '%s may call the dashboard model profile',
    async (who) => {
      const role = who === 'marketing-insights' ? insights : narrator;
      const decision = await simulateAs(role, {
        action: 'bedrock:InvokeModel',
        resource: arn('bedrock', REGION, ACCOUNT, `inference-profile/${MODEL_PROFILE}`),
      });
      expect(decision).toBe('Allowed');
    },
  );

  test.each<[string, string]>([
    ['cloudtrail:StopLogging', 'trail'],
    ['cloudtrail:DeleteTrail', 'trail'],
    ['cloudtrail:PutEventSelectors', 'trail'],
    ['iam:TagRole', 'role'],
    ['iam:UntagRole', 'role'],
  ])('no agent can falsify the evidence: %s is explicitly denied', async (action, target) => {
    // WHEN an agent tries to stop the trail or rewrite its own ai:owner tag
    for (const role of [insights, narrator]) {
      const resource =
        target === 'trail'
          ? arn('cloudtrail', REGION, ACCOUNT, `trail/${stack.trail.trailName}`)
          : role.roleArn;
      // THEN the permissions guardrails deny it
      expect(await simulateAs(role, { action, resource })).toBe('ExplicitlyDenied');
    }
  });
});

describe('marketing dashboard app', () => {
  test('synthesizes two owned agents and a tagged metrics table in under 40 resources', () => {
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const owners = Object.values(t.findResources('AWS::IAM::Role'))
      .flatMap((r: Json) => r.Properties.Tags ?? [])
      .filter((tag: Json) => tag.Key === 'ai:owner');
    expect(owners).toHaveLength(Object.keys(OWNERS).length);
    expect(Object.keys(t.toJSON().Resources).length).toBeLessThan(40);
  });

  describeRulePackTests(app, stack);
});
