import { App, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  AgentAuditTrail,
  AgentEntitlementReport,
  AgentIdentity,
  AgentRuntime,
  BedrockModel,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
} from '../../lib';
import { addExampleChecks } from '../_shared/example-checks';
import { EXAMPLE_ENV } from '../_shared/example-env';
import { denyGrantsExceptForAwsServices } from '../../lib/shared/kms-statements';
import { trackLibraryFindings } from '../_shared/tracked-findings';

/** The model the dashboard agents summarize metrics with. */
export const MODEL_PROFILE = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
/** Every agent of the scenario and who signs off on its access in the quarterly review. */
export const OWNERS: Record<string, string> = {
  'marketing-insights': 'marketing-analytics@example.com',
  'marketing-dashboard-narrator': 'marketing-web@example.com',
};

/**
 * A marketing ML dashboard whose agents produce SOX access evidence: every agent is named and
 * owned, the AgentAuditTrail records what they did (tamper-evident, Object-Locked), and every
 * synth writes `agent-entitlements.json` / `.md` for the quarterly access review.
 */
export class MarketingDashboardStack extends Stack {
  public readonly metrics: dynamodb.Table;
  public readonly trail: AgentAuditTrail;
  public readonly insights: AgentIdentity;
  public readonly narrator: AgentIdentity;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.trail = new AgentAuditTrail(this, 'Audit', { retention: Duration.days(400) });

    const metricsKey = new kms.Key(this, 'MetricsKey', {
      description: 'Encrypts the campaign metrics table',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    metricsKey.addToResourcePolicy(denyGrantsExceptForAwsServices());
    this.metrics = new dynamodb.Table(this, 'CampaignMetrics', {
      partitionKey: { name: 'campaign', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'day', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: metricsKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    DataTags.of(this.metrics).apply({ classification: DataClassification.INTERNAL });
    Validations.of(this.metrics).acknowledge({
      id: 'NIST.800.53.R5-DynamoDBInBackupPlan',
      reason:
        'demo table: point-in-time recovery (35 days) and deletion protection; an AWS Backup plan belongs to the account baseline',
    });

    const agent = (cid: string, agentName: string, runtime: AgentRuntime) =>
      new AgentIdentity(this, cid, { agentName, runtime, owner: OWNERS[agentName], auditTrail: this.trail });
    this.insights = agent('Insights', 'marketing-insights', AgentRuntime.ecsTask());
    this.narrator = agent('Narrator', 'marketing-dashboard-narrator', AgentRuntime.lambdaFunction());

    this.insights.grantData(DataStore.dynamoDbTable(this.metrics), DataAccess.READ);
    const model = BedrockModel.inferenceProfile(MODEL_PROFILE);
    this.insights.grantModels([model]);
    this.narrator.grantModels([model]);
    trackLibraryFindings(this);
  }
}

/**
 * Builds the scenario into `app`: its synth fails on any unacknowledged finding and writes the
 * entitlement evidence (`agent-entitlements.json` / `.md`) into the cloud assembly.
 */
export function buildApp(app: App): Stack[] {
  addExampleChecks(app);
  Validations.of(app).addPlugins(new AgentEntitlementReport(app));
  return [new MarketingDashboardStack(app, 'MarketingDashboard', { env: EXAMPLE_ENV })];
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
