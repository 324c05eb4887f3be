import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { ReferenceStack } from '../bin/reference-stack';
import { AgentEntitlementReport, AgentIdentityChecks } from '../lib';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The reference app exactly as bin/app.ts builds it, synthesized into a temp directory. */
function synthReferenceApp() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'reference-app-'));
  const app = new App({ outdir });
  const stack = new ReferenceStack(app, 'AgentPlatform', {
    env: { account: '111111111111', region: 'us-east-1' },
  });
  Validations.of(app).addPlugins(new AgentEntitlementReport(app));
  const assembly = app.synth();
  return { app, stack, outdir, assembly };
}

describe('reference app (bin/)', () => {
  const { app, stack, outdir } = synthReferenceApp();

  test.each([
    ['AwsSolutions', () => new AwsSolutionsChecks(app)],
    ['NIST 800-53 R5', () => new NIST80053R5Checks(app)],
    ['AgentIdentityChecks', () => new AgentIdentityChecks(app, { requireGuardrail: true })],
  ])('%s reports no unacknowledged finding', (_name, pack) => {
    // WHEN the pack judges the synthesized app
    const report = pack().validateScope(stack) as Json;
    // THEN nothing is left (every acknowledgement in the app carries a reason)
    expect(
      report.violations.map((v: Json) => `${v.ruleName} @ ${v.violatingResources?.[0]?.constructPath}`),
    ).toEqual([]);
  });

  test('every acknowledgement in the app has a specific reason', () => {
    const reasons = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.values(m.data as Record<string, string>));
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason.length).toBeGreaterThanOrEqual(40);
  });

  test('synth writes the entitlement evidence for every agent, with owner and permissions guardrails', () => {
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'agent-entitlements.json'), 'utf8'));
    const agents = report.agents.map((a: Json) => a.agentName).sort();
    expect(agents).toEqual([
      'acme-email-triage',
      'complaint-orchestrator',
      'crm-record-writer',
      'globex-email-triage',
    ]);
    for (const agent of report.agents) {
      expect(agent.owner).toMatch(/@example\.com$/);
      expect(JSON.stringify(agent)).toContain('DenyIamWrites');
    }
    expect(fs.readFileSync(path.join(outdir, 'agent-entitlements.md'), 'utf8')).toContain('```mermaid');
  });
});
