import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  AgentAuditTrail,
  AgentIdentity,
  AgentRuntime,
  AgentSecret,
  BedrockModel,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
  GuardrailPin,
  ModelInvocationLogging,
  SecretRotation,
  SupportAccess,
} from '../lib';

/**
 * The reference platform: two tenants' triage agents reading their own mailboxes, an orchestrator
 * that hands one CRM record at a time to a worker through a session tag, models behind a pinned
 * guardrail, a rotated API key, cross-tenant support access, and the audit trail recording it all.
 */
export class ReferenceStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const trail = new AgentAuditTrail(this, 'Audit', { retention: Duration.days(400) });
    const invocationLogging = new ModelInvocationLogging(this, 'InvocationLogging', {
      cloudWatchDelivery: false,
    });
    if (invocationLogging.bucket) acknowledgeDemoBucket(invocationLogging.bucket);

    const dataKey = new kms.Key(this, 'DataKey', {
      enableKeyRotation: true,
      description: 'Agent data stores',
    });
    const guardrail = new bedrock.CfnGuardrail(this, 'Guardrail', {
      name: 'agent-platform',
      blockedInputMessaging: 'This request was blocked by policy.',
      blockedOutputsMessaging: 'This response was blocked by policy.',
      contentPolicyConfig: {
        filtersConfig: [{ type: 'PROMPT_ATTACK', inputStrength: 'HIGH', outputStrength: 'NONE' }],
      },
    });
    const guardrailVersion = new bedrock.CfnGuardrailVersion(this, 'GuardrailVersion', {
      guardrailIdentifier: guardrail.attrGuardrailId,
    });
    const pin = GuardrailPin.version(guardrail, guardrailVersion.attrVersion);
    const models = [
      BedrockModel.foundationModel('anthropic.claude-3-5-haiku-20241022-v1:0'),
      BedrockModel.inferenceProfile('us.anthropic.claude-sonnet-4-20250514-v1:0'),
    ];

    // Customer records: one table shared by tenants, partitioned by tenant.
    const records = new dynamodb.TableV2(this, 'CustomerRecords', {
      partitionKey: { name: 'tenant', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'record', type: dynamodb.AttributeType.STRING },
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(dataKey),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      billing: dynamodb.Billing.onDemand(),
    });
    DataTags.of(records).apply({ classification: DataClassification.CONFIDENTIAL });
    Validations.of(records).acknowledge({
      id: 'NIST.800.53.R5-DynamoDBInBackupPlan',
      reason:
        'demo table of the reference app; point-in-time recovery is on, a backup plan belongs to the deploying account',
    });

    const mailboxes: Record<string, s3.Bucket> = {};
    for (const [tenant, clearance] of [
      ['acme', DataClassification.CONFIDENTIAL],
      ['globex', DataClassification.INTERNAL],
    ] as const) {
      const mailbox = new s3.Bucket(this, `${capitalize(tenant)}Mailbox`, {
        encryptionKey: dataKey,
        enforceSSL: true,
        versioned: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      });
      DataTags.of(mailbox).apply({ tenant, classification: DataClassification.INTERNAL });
      acknowledgeDemoBucket(mailbox);
      mailboxes[tenant] = mailbox;

      const triage = new AgentIdentity(this, `${capitalize(tenant)}Triage`, {
        agentName: `${tenant}-email-triage`,
        runtime: AgentRuntime.lambdaFunction(),
        tenant,
        clearance,
        owner: 'support-platform@example.com',
        auditTrail: trail,
      });
      triage.grantData(DataStore.s3Bucket(mailbox, { prefix: 'inbox/support/' }), DataAccess.READ);
      triage.grantModels(models, { guardrail: pin });
    }

    const orchestrator = new AgentIdentity(this, 'ComplaintOrchestrator', {
      agentName: 'complaint-orchestrator',
      runtime: AgentRuntime.agentCoreRuntime(),
      tenant: 'acme',
      clearance: DataClassification.CONFIDENTIAL,
      owner: 'crm-platform@example.com',
      auditTrail: trail,
    });
    orchestrator.grantData(DataStore.dynamoDbTable(records, { tenantPartitioned: true }), DataAccess.READ);
    orchestrator.grantModels(models, { guardrail: pin });

    // The worker may write exactly the one record the orchestrator names in the ai:record session tag.
    const worker = new AgentIdentity(this, 'CrmWriter', {
      agentName: 'crm-record-writer',
      runtime: AgentRuntime.delegatedFrom(orchestrator, { sessionTags: ['ai:record'] }),
      tenant: 'acme',
      clearance: DataClassification.CONFIDENTIAL,
      owner: 'crm-platform@example.com',
      auditTrail: trail,
    });
    worker.grantData(DataStore.dynamoDbTable(records, { tenantPartitioned: true }), DataAccess.WRITE);

    new AgentSecret(this, 'TranslatorKey', {
      readers: [orchestrator],
      rotation: SecretRotation.generatedApiKey({ every: Duration.days(30) }),
      classification: DataClassification.CONFIDENTIAL,
    });

    new SupportAccess(this, 'Support', {
      assumedBy: new iam.AccountPrincipal(this.account),
      stores: [
        DataStore.s3Bucket(mailboxes.acme),
        DataStore.s3Bucket(mailboxes.globex),
        DataStore.dynamoDbTable(records, { tenantPartitioned: true }),
      ],
      clearance: DataClassification.CONFIDENTIAL,
    });
  }
}

/** The reference app's buckets are demo stores: logging and replication targets are the deployer's choice. */
function acknowledgeDemoBucket(bucket: s3.IBucket): void {
  const reason =
    'reference-app bucket: server access logs and cross-region replication need target buckets that only the ' +
    'deploying organization can choose; object access by agents is recorded by the agent audit trail';
  for (const id of [
    'AwsSolutions-S1',
    'NIST.800.53.R5-S3BucketLoggingEnabled',
    'NIST.800.53.R5-S3BucketReplicationEnabled',
  ]) {
    Validations.of(bucket).acknowledge({ id, reason });
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
