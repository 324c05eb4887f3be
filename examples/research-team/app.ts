import { App, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  AgentAuditTrail,
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
import { trackLibraryFindings } from '../_shared/tracked-findings';

/** The model all three agents share as their common tool. */
export const SHARED_MODEL_ID = 'anthropic.claude-3-5-haiku-20241022-v1:0';
/** Key prefixes of the shared workspace bucket: one per kind of file. */
export const PREFIXES = { sources: 'sources/', code: 'code/', reviews: 'reviews/' } as const;
/** Agent names (the `ai:agent` tag). */
export const AGENTS = {
  researcher: 'research-team-researcher',
  coder: 'research-team-coder',
  reviewer: 'research-team-reviewer',
} as const;

/**
 * Three agents of one team share a workspace bucket and a model, each with its own capability:
 * the researcher reads sources/, the coder reads sources/ and writes code/, the reviewer reads
 * code/ and writes reviews/. No agent can write another's prefix.
 */
export class ResearchTeamStack extends Stack {
  public readonly workspace: s3.Bucket;
  public readonly researcher: AgentIdentity;
  public readonly coder: AgentIdentity;
  public readonly reviewer: AgentIdentity;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const trail = new AgentAuditTrail(this, 'Audit', { retention: Duration.days(400) });

    const key = new kms.Key(this, 'WorkspaceKey', {
      description: 'Encrypts the research team workspace',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.workspace = new s3.Bucket(this, 'Workspace', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    DataTags.of(this.workspace).apply({ classification: DataClassification.INTERNAL });

    const agent = (id: string, agentName: string) =>
      new AgentIdentity(this, id, {
        agentName,
        runtime: AgentRuntime.ecsTask(),
        owner: 'research-platform@example.com',
        auditTrail: trail,
      });
    this.researcher = agent('Researcher', AGENTS.researcher);
    this.coder = agent('Coder', AGENTS.coder);
    this.reviewer = agent('Reviewer', AGENTS.reviewer);

    const share = (to: AgentIdentity, prefix: string, access: DataAccess) =>
      to.grantData(DataStore.s3Bucket(this.workspace, { prefix }), access);
    share(this.researcher, PREFIXES.sources, DataAccess.READ);
    share(this.coder, PREFIXES.sources, DataAccess.READ);
    share(this.coder, PREFIXES.code, DataAccess.READ_WRITE);
    share(this.reviewer, PREFIXES.code, DataAccess.READ);
    share(this.reviewer, PREFIXES.reviews, DataAccess.READ_WRITE);

    const model = BedrockModel.foundationModel(SHARED_MODEL_ID);
    for (const a of [this.researcher, this.coder, this.reviewer]) a.grantModels([model]);

    acknowledgeDemoBucket(this.workspace);
    trackLibraryFindings(this);
  }
}

/** Findings on the example's own demo bucket, with the reasons they do not apply here. */
function acknowledgeDemoBucket(bucket: s3.Bucket): void {
  const logged =
    "demo workspace: the agents' object reads and writes are recorded as CloudTrail S3 data events by the AgentAuditTrail";
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: logged });
  Validations.of(bucket).acknowledge({ id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: logged });
  Validations.of(bucket).acknowledge({
    id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
    reason: 'demo workspace of reproducible working files; versioned, no cross-region copy required',
  });
}

/** Builds the scenario into `app`; its synth fails on any unacknowledged finding. */
export function buildApp(app: App): Stack[] {
  addExampleChecks(app);
  return [new ResearchTeamStack(app, 'ResearchTeam', { env: EXAMPLE_ENV })];
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
