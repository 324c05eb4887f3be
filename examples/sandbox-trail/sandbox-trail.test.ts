import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AgentAuditTrail } from '../../lib';
import { describeRulePackTests } from '../_shared/standard-tests';
import { buildApp } from './app';
import { readmeBlockAndApp } from '../_shared/readme-block';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('example: sandbox-trail (README "Deploying")', () => {
  // GIVEN the example app
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-trail-')) });
  const dev = buildApp(app);
  const prod = app.node.findChild('AgentsProd') as Stack;

  test('the README "Deploying" block is this file, word for word', () => {
    const { block, source } = readmeBlockAndApp('Deploying', path.join(__dirname, 'app.ts'));
    expect(block).toBe(source);
  });

  describeRulePackTests(app, dev);

  test('the dev trail is removed with its stack; the production trail is kept and COMPLIANCE-locked', () => {
    const deletion = (stack: Stack) =>
      Object.values<Json>(Template.fromStack(stack).findResources('AWS::S3::Bucket')).map((b) => [
        b.DeletionPolicy,
        b.Properties.ObjectLockConfiguration?.Rule.DefaultRetention,
      ]);
    expect(deletion(dev)).toEqual(expect.arrayContaining([['Delete', { Mode: 'GOVERNANCE', Days: 1 }]]));
    expect(deletion(prod)).toEqual(expect.arrayContaining([['Retain', { Mode: 'COMPLIANCE', Days: 400 }]]));
    expect(deletion(prod).every(([policy]) => policy === 'Retain')).toBe(true);
  });

  test('the entitlement report marks the agent’s trail as a sandbox', () => {
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'agent-entitlements.json'), 'utf8'));
    // (the production stack's trail, multi-region and env-agnostic, is listed too, without the mark)
    expect(report.agents[0].auditTrails).toEqual(
      expect.arrayContaining([
        { trail: expect.stringMatching(/^AgentsDev\/Audit/), scope: 'multi-region', sandbox: true },
        { trail: expect.stringMatching(/^AgentsProd\/Audit/), scope: 'multi-region' },
      ]),
    );
  });

  test('a sandbox trail in the stack tagged environment=production is an error', () => {
    // GIVEN the same app WHEN a sandbox trail is added to the production stack THEN it is refused
    const other = new App();
    buildApp(other);
    expect(
      () => new AgentAuditTrail(other.node.findChild('AgentsProd') as Stack, 'Scratch', { sandbox: true }),
    ).toThrow(
      /^AgentsProd\/Scratch: a sandbox audit trail is refused in a production stack \(stack tag environment=production\)/,
    );
  });
});
