import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AgentAuditTrail,
  AgentEntitlementReport,
  AgentIdentity,
  AgentIdentityChecks,
  AgentRuntime,
  AgentSecret,
  BedrockModel,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
  SecretRotation,
  SynthSummary,
} from '../../lib';

export function buildApp(app: App): Stack {
  const stack = new Stack(app, 'Quickstart', { env: { account: '111111111111', region: 'us-east-1' } });

  // One tamper-evident trail records what every agent does (retention >= 6 months).
  const trail = new AgentAuditTrail(stack, 'Audit', { retention: Duration.days(400) });

  // The agent: a role only Lambda of this account may assume, tagged for ABAC, under the permissions guardrails.
  const triage = new AgentIdentity(stack, 'Triage', {
    agentName: 'email-triage',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    clearance: DataClassification.CONFIDENTIAL,
    owner: 'support-platform@example.com',
    auditTrail: trail,
  });

  // Data: exact actions, the bucket's ARN, and the tenant + classification conditions.
  const inbox = new s3.Bucket(stack, 'Inbox', { enforceSSL: true });
  DataTags.of(inbox).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
  triage.grantData(DataStore.s3Bucket(inbox, { prefix: 'inbox/support/' }), DataAccess.READ);

  // Models: exact model ARNs; profile destination regions only through the profile.
  triage.grantModels([
    BedrockModel.foundationModel('anthropic.claude-3-5-haiku-20241022-v1:0'),
    BedrockModel.inferenceProfile('us.anthropic.claude-sonnet-4-20250514-v1:0'),
  ]);

  // A secret only this agent (and its rotation function) can read, rotated every 30 days.
  new AgentSecret(stack, 'TranslatorKey', {
    readers: [triage],
    rotation: SecretRotation.generatedApiKey({ every: Duration.days(30) }),
  });

  // `cdk synth` fails on any unacknowledged finding, writes agent-entitlements.json / .md and
  // prints one line: packs run, findings by severity, acknowledgements, where the report is.
  const plugins = SynthSummary.around(app, [new AgentIdentityChecks(app), new AgentEntitlementReport(app)]);
  for (const plugin of plugins) Validations.of(app).addPlugins(plugin);
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
