import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  AgentEntitlementReport,
  AgentIdentity,
  AgentIdentityChecks,
  AgentRuntime,
  BedrockModel,
  SynthSummary,
} from '../../lib';

function appWithAgent() {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'synth-summary-')) });
  const stack = new Stack(app, 'Summary', { env: { account: '111111111111', region: 'us-east-1' } });
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'summarized',
    runtime: AgentRuntime.lambdaFunction(),
    owner: 'team@example.com',
  });
  agent.grantModels([BedrockModel.foundationModel('anthropic.claude-3-5-haiku-20241022-v1:0')]);
  Validations.of(agent).acknowledge({
    id: 'AgentIdentity-AuditTrail[NoTrail]',
    reason: 'test app: no trail',
  });
  return { app, stack, agent };
}

function register(app: App, print = false) {
  const plugins = SynthSummary.around(app, [new AgentIdentityChecks(app), new AgentEntitlementReport(app)], {
    print,
  });
  Validations.of(app).addPlugins(...plugins);
  return plugins[plugins.length - 1] as SynthSummary;
}

describe('SynthSummary', () => {
  test('a passing synth: packs, findings by severity, acknowledgements, where the report is', () => {
    // GIVEN an app with the summary around the pack and the report
    const { app } = appWithAgent();
    const summary = register(app);
    // WHEN it is synthesized
    app.synth();
    // THEN one line says what happened
    const acknowledged = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .reduce((n, m) => n + Object.keys(m.data).length, 0);
    expect(acknowledged).toBeGreaterThan(1);
    expect(summary.line).toBe(
      `cdk-agent-identity: AgentIdentity ran on 1 stack: 0 errors, 0 warnings unacknowledged, ${acknowledged} acknowledged with reasons; ` +
        `entitlement report: ${app.outdir}/agent-entitlements.{json,md}`,
    );
  });

  test('a failing synth still prints the summary, with the count that failed it', () => {
    // GIVEN a hand-written agent role with a wildcard action
    const { app, stack } = appWithAgent();
    const role = new iam.Role(stack, 'Handmade', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    Tags.of(role).add('ai:agent', 'handmade');
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    const summary = register(app);
    // WHEN synthesized THEN the synth fails naming the construct, and the summary counts the errors
    expect(() => app.synth()).toThrow(/Summary\/Handmade/);
    expect(summary.line).toMatch(
      /^cdk-agent-identity: AgentIdentity ran on 1 stack: [1-9]\d* errors?, 0 warnings unacknowledged, .*\. Synth fails: the findings above name each construct path$/,
    );
  });

  test('counts warnings apart from errors, per pack', () => {
    const { app } = appWithAgent();
    const plugins = SynthSummary.around(app, [new AwsSolutionsChecks(app)], { print: false });
    Validations.of(app).addPlugins(...plugins);
    const summary = plugins[1] as SynthSummary;
    try {
      app.synth();
    } catch {
      // AwsSolutions may fail this bare app; only the line matters here
    }
    expect(summary.line).toMatch(
      /^cdk-agent-identity: AwsSolutions ran on 1 stack: \d+ errors?, \d+ warnings? unacknowledged, \d+ acknowledged with reasons; no entitlement report \(register AgentEntitlementReport\)/,
    );
  });

  test('prints to stderr unless told not to', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const printed = appWithAgent();
      register(printed.app, true);
      printed.app.synth();
      const quiet = appWithAgent();
      register(quiet.app, false);
      quiet.app.synth();
      const lines = write.mock.calls
        .map((c) => String(c[0]))
        .filter((l) => l.startsWith('cdk-agent-identity:'));
      expect(lines).toHaveLength(1);
    } finally {
      write.mockRestore();
    }
  });
});
