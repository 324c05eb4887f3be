import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AgentAuditTrail,
  AgentIdentity,
  AgentRuntime,
  AgentTagKeys,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
  DataClassificationLadder,
} from '../../lib';
import { addExampleChecks } from '../_shared/example-checks';
import { EXAMPLE_ENV } from '../_shared/example-env';
import { addComplaintTools } from './tools';
import { addUserDelegatedResolver } from './user-delegation';

/** The session tag naming the one CRM record a worker session may change. */
export const RECORD_TAG = 'ai:record';
/** What a worker may do to its record: read it and update it; never create, delete or scan. */
export const WORKER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];

/**
 * Complaint resolution: an orchestrator reads the CRM and hands one complaint to a worker agent.
 * The worker's role can be assumed only by the orchestrator and only with the session tag
 * `ai:record` set to the record's key; the worker may then update exactly that record.
 */
export function buildApp(app: App): Stack[] {
  const stack = new Stack(app, 'ComplaintResolutionExample', { env: EXAMPLE_ENV });
  const trail = new AgentAuditTrail(stack, 'Audit', { retention: Duration.days(400) });
  const clearance = DataClassification.CONFIDENTIAL;

  // The CRM: one item per customer record, keyed by its record id.
  const crm = new dynamodb.Table(stack, 'CrmRecords', {
    partitionKey: { name: 'recordId', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
  });
  DataTags.of(crm).apply({ classification: clearance });
  Validations.of(crm).acknowledge({
    id: 'NIST.800.53.R5-DynamoDBInBackupPlan',
    reason: 'demo CRM table: point-in-time recovery is on; the AWS Backup plan is the organization’s',
  });

  const orchestrator = new AgentIdentity(stack, 'Orchestrator', {
    agentName: 'complaint-orchestrator',
    runtime: AgentRuntime.lambdaFunction(),
    clearance,
    owner: 'customer-care@example.com',
    auditTrail: trail,
  });
  orchestrator.grantData(DataStore.dynamoDbTable(crm), DataAccess.READ);

  const worker = new AgentIdentity(stack, 'Worker', {
    agentName: 'complaint-worker',
    runtime: AgentRuntime.delegatedFrom(orchestrator, { sessionTags: [RECORD_TAG] }),
    clearance,
    owner: 'customer-care@example.com',
    auditTrail: trail,
  });
  grantTaggedRecord(worker, crm);
  addComplaintTools(stack, worker);
  // on behalf of a support user: the resolver updates a CRM record with the user's delegated token
  addUserDelegatedResolver(stack, trail);

  return [stack];
}

/**
 * Lets a worker session read and update the one item whose partition key equals its `ai:record`
 * session tag (`dynamodb:LeadingKeys`), on this table only, under the same classification and
 * platform-store conditions as every DataStore grant.
 */
function grantTaggedRecord(worker: AgentIdentity, table: dynamodb.Table): iam.Grant {
  const grant = iam.Grant.addToPrincipal({
    grantee: worker,
    actions: WORKER_ACTIONS,
    resourceArns: [table.tableArn],
    conditions: {
      // ForAllValues also matches an empty key set, so the key must be present as well.
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`\${aws:PrincipalTag/${RECORD_TAG}}`] },
      Null: { 'dynamodb:LeadingKeys': 'false', [`aws:ResourceTag/${AgentTagKeys.TENANT}`]: 'true' },
      StringEquals: {
        [`aws:ResourceTag/${AgentTagKeys.CLASSIFICATION}`]: DataClassificationLadder.atOrBelow(
          worker.clearance,
        ),
      },
    },
  });
  worker.recordEntitlement({
    kind: 'data',
    description: `READ/UPDATE the one record of ${table.node.path} named by session tag ${RECORD_TAG}`,
    auditedResources: [{ resourceType: 'AWS::DynamoDB::Table', arn: table.tableArn }],
  });
  return grant;
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  addExampleChecks(app);
  app.synth();
}
