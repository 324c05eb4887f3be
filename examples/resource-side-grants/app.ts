import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AgentAuditTrail,
  AgentEntitlementReport,
  AgentIdentity,
  AgentIdentityChecks,
  AgentRuntime,
  BedrockModel,
  DataClassification,
  DataStore,
  DataTags,
} from '../../lib';
import { demoDataBucket } from '../_shared/demo-data-bucket';
import { EXAMPLE_ENV } from '../_shared/example-env';

/**
 * Grants made from the resource's side, as aws-cdk users write them (`bucket.grantRead(fn)`):
 * to an agent they are the agent-side grant, to any other role the store's exact grant under the
 * classification the store declares. The block between the markers is the README's
 * "Grants from the resource side", word for word.
 */
export function buildApp(app: App): Stack {
  const stack = new Stack(app, 'ResourceSideGrants', { env: EXAMPLE_ENV });
  const trail = new AgentAuditTrail(stack, 'Audit');
  const triage = new AgentIdentity(stack, 'Triage', {
    agentName: 'email-triage',
    runtime: AgentRuntime.lambda(),
    tenant: 'acme',
    owner: 'support-platform@example.com',
    auditTrail: trail,
  });
  // the role an ingestion job runs as: not an agent, no ai:* tags
  const ingest = new iam.Role(stack, 'Ingest', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Ingestion job that drops support mail into the inbox',
  });
  Validations.of(ingest).acknowledge({
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason:
      'the ingestion role is granted by the store it writes to; its policy lives and dies with the role',
  });
  const inbox: s3.IBucket = demoDataBucket(stack, 'Inbox', 'the acme support inbox');

  // README: Grants from the resource side
  DataTags.of(inbox).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
  const store = DataStore.s3Bucket(inbox, { prefix: 'inbox/support/' });

  // To an agent: exactly triage.grantData(store, DataAccess.READ) (policy, ABAC conditions,
  // synth-time tenant check, recorded entitlement, report).
  store.grantRead(triage);
  BedrockModel.inferenceProfile('us.anthropic.claude-sonnet-4-20250514-v1:0').grantInvoke(triage);

  // To a role that is not an agent: the same exact actions and ARNs, under the classification the
  // store declares, without a tenant condition (the role has no tenant: the exact ARN is the boundary).
  store.grantWrite(ingest);
  // README: end

  Validations.of(app).addPlugins(new AgentIdentityChecks(app), new AgentEntitlementReport(app));
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
