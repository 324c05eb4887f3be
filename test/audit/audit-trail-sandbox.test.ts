import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { unacknowledgedFindings } from '../../examples/_shared/example-checks';
import {
  AgentAuditTrail,
  AgentEntitlementReport,
  AgentIdentity,
  AgentRuntime,
  AuditObjectLockMode,
  BedrockModel,
} from '../../lib';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const env = { account: '111111111111', region: 'us-east-1' };

function sandboxApp(context: Record<string, string> = {}) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-trail-')), context });
  const stack = new Stack(app, 'Dev', { env });
  return { app, stack };
}

function withAgent(stack: Stack, trail: AgentAuditTrail): AgentIdentity {
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'dev-agent',
    runtime: AgentRuntime.lambdaFunction(),
    owner: 'dev@example.com',
    auditTrail: trail,
  });
  agent.grantModels([BedrockModel.foundationModel('anthropic.claude-3-5-haiku-20241022-v1:0')]);
  return agent;
}

describe('AgentAuditTrail sandbox mode', () => {
  test('GOVERNANCE lock for 1 day, everything removed with the stack, and the buckets empty themselves', () => {
    // GIVEN a sandbox trail
    const { stack } = sandboxApp();
    const trail = new AgentAuditTrail(stack, 'Audit', { sandbox: true });
    // THEN
    expect(trail.sandbox).toBe(true);
    expect(trail.objectLockMode).toBe(AuditObjectLockMode.GOVERNANCE);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ ExpiredObjectDeleteMarker: true })]),
      },
    });
    for (const type of ['AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::KMS::Key']) {
      for (const [id, res] of Object.entries<Json>(t.findResources(type))) {
        expect([id, res.DeletionPolicy]).toEqual([id, 'Delete']);
      }
    }
    t.hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: 7 });
  });

  test('is a warning on the trail', () => {
    const { stack } = sandboxApp();
    new AgentAuditTrail(stack, 'Audit', { sandbox: true, retention: Duration.days(7) });
    Annotations.fromStack(stack).hasWarning(
      '/Dev/Audit',
      Match.stringLikeRegexp('sandbox audit trail: log files are kept 7 day\\(s\\) under GOVERNANCE'),
    );
  });

  test('is reported in the entitlement report, and absent for a production trail', () => {
    for (const sandbox of [true, false]) {
      const { app, stack } = sandboxApp();
      withAgent(stack, new AgentAuditTrail(stack, 'Audit', { sandbox }));
      const report = new AgentEntitlementReport(app);
      Validations.of(app).addPlugins(report);
      app.synth();
      const coverage = report.report!.toJson().agents[0].auditTrails;
      const trail = expect.stringMatching(/^Dev\/Audit/);
      expect(coverage).toEqual([
        sandbox ? { trail, scope: 'multi-region', sandbox: true } : { trail, scope: 'multi-region' },
      ]);
    }
  });

  test('passes AwsSolutions, NIST 800-53 R5 and AgentIdentityChecks', () => {
    const { app, stack } = sandboxApp();
    withAgent(stack, new AgentAuditTrail(stack, 'Audit', { sandbox: true }));
    expect(unacknowledgedFindings(app, stack)).toEqual([]);
  });

  test('a production trail is unchanged: COMPLIANCE, retained', () => {
    const { stack } = sandboxApp();
    new AgentAuditTrail(stack, 'Audit');
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } } },
    });
    for (const [, res] of Object.entries<Json>(t.findResources('AWS::S3::Bucket'))) {
      expect(res.DeletionPolicy).toBe('Retain');
    }
  });

  describe('refused', () => {
    test('where the app context marks production', () => {
      const { stack } = sandboxApp({ 'cdk-agent-identity:environment': 'production' });
      expect(() => new AgentAuditTrail(stack, 'Audit', { sandbox: true })).toThrow(
        /^Dev\/Audit: a sandbox audit trail is refused in a production stack \(context cdk-agent-identity:environment=production\)/,
      );
    });

    test('where the stack is tagged environment=production (at synth, after tags are applied)', () => {
      const { app, stack } = sandboxApp();
      Tags.of(stack).add('Environment', 'Production');
      new AgentAuditTrail(stack, 'Audit', { sandbox: true });
      expect(() => app.synth()).toThrow(
        /a sandbox audit trail is refused in a production stack \(stack tag Environment=Production\)/,
      );
    });

    test('with COMPLIANCE lock, or a retention of a production trail', () => {
      const { stack } = sandboxApp();
      expect(
        () =>
          new AgentAuditTrail(stack, 'A', { sandbox: true, objectLockMode: AuditObjectLockMode.COMPLIANCE }),
      ).toThrow(/sandbox trails use AuditObjectLockMode.GOVERNANCE/);
      expect(() => new AgentAuditTrail(stack, 'B', { sandbox: true, retention: Duration.days(31) })).toThrow(
        /^Dev\/B: sandbox retention 31 days must be whole days from 1 to 30/,
      );
      expect(() => new AgentAuditTrail(stack, 'C', { sandbox: true, retention: Duration.hours(12) })).toThrow(
        /sandbox retention 12 hours must be whole days/,
      );
    });

    test('a short retention without sandbox is still an error (six months minimum)', () => {
      const { stack } = sandboxApp();
      expect(() => new AgentAuditTrail(stack, 'Audit', { retention: Duration.days(1) })).toThrow(
        /shorter than six months/,
      );
    });
  });
});
