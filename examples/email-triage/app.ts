import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AgentAuditTrail,
  AgentIdentity,
  AgentRuntime,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
} from '../../lib';
import { demoDataBucket } from '../_shared/demo-data-bucket';
import { addExampleChecks } from '../_shared/example-checks';
import { EXAMPLE_ENV } from '../_shared/example-env';

/** The team mailbox the triage agent serves; every team's mail sits under `inbox/<team>/`. */
export const SUPPORT_PREFIX = 'inbox/support/';

/** Every SES action that sends mail (SES v1 and v2 share the `ses` prefix). */
export const SEND_EMAIL_ACTIONS = [
  'ses:SendBounce',
  'ses:SendBulkEmail',
  'ses:SendBulkTemplatedEmail',
  'ses:SendCustomVerificationEmail',
  'ses:SendEmail',
  'ses:SendRawEmail',
  'ses:SendTemplatedEmail',
];

/**
 * Email triage: an agent that reads the support team's mailbox prefix of a shared mail store,
 * cannot read other teams' prefixes and can never send mail.
 */
export function buildApp(app: App): Stack[] {
  const stack = new Stack(app, 'EmailTriageExample', { env: EXAMPLE_ENV });
  const trail = new AgentAuditTrail(stack, 'Audit', { retention: Duration.days(400) });

  // The mail store: one bucket, one prefix per team mailbox (inbox/support/, inbox/billing/, ...).
  const mailStore = demoDataBucket(stack, 'MailStore', 'the team mailboxes');
  DataTags.of(mailStore).apply({ classification: DataClassification.CONFIDENTIAL });

  const triage = new AgentIdentity(stack, 'Triage', {
    agentName: 'email-triage',
    runtime: AgentRuntime.lambdaFunction(),
    clearance: DataClassification.CONFIDENTIAL,
    owner: 'support-platform@example.com',
    auditTrail: trail,
  });
  // Reads exactly one team's mailbox: objects under the prefix, listing only under the prefix.
  triage.grantData(DataStore.s3Bucket(mailStore, { prefix: SUPPORT_PREFIX }), DataAccess.READ);
  // Triage never answers mail itself. The Deny holds even if a later grant allows sending.
  triage.addToAgentPolicy(
    new iam.PolicyStatement({
      sid: 'DenySendingEmail',
      effect: iam.Effect.DENY,
      actions: SEND_EMAIL_ACTIONS,
      resources: ['*'],
    }),
  );

  return [stack];
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  addExampleChecks(app);
  app.synth();
}
