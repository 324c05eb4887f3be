import { App, Stack, Validations } from 'aws-cdk-lib';
import {
  AgentAuditTrail,
  AgentEntitlementReport,
  AgentIdentity,
  AgentIdentityChecks,
  AgentRuntime,
  BedrockModel,
} from '../../lib';

export function buildApp(app: App): Stack {
  // Mark production stacks: a sandbox trail there is a synth error.
  const prod = new Stack(app, 'AgentsProd', { tags: { environment: 'production' } });
  new AgentAuditTrail(prod, 'Audit'); // COMPLIANCE lock for 400 days: kept after `cdk destroy`

  // A development stack that `cdk destroy` removes: the trail keeps its log files one day,
  // under GOVERNANCE Object Lock, and its buckets, log group and key go with the stack.
  const dev = new Stack(app, 'AgentsDev', { env: { account: '111111111111', region: 'us-east-1' } });
  const trail = new AgentAuditTrail(dev, 'Audit', { sandbox: true });
  const triage = new AgentIdentity(dev, 'Triage', {
    agentName: 'email-triage',
    runtime: AgentRuntime.lambdaFunction(),
    owner: 'support-platform@example.com',
    auditTrail: trail,
  });
  triage.grantModels([BedrockModel.foundationModel('anthropic.claude-3-5-haiku-20241022-v1:0')]);

  Validations.of(app).addPlugins(new AgentIdentityChecks(app), new AgentEntitlementReport(app));
  return dev;
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
