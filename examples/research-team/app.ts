import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
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
import { demoDataBucket } from '../_shared/demo-data-bucket';
import { trackLibraryFindings } from '../_shared/tracked-findings';
import { addTeamTools } from './tools';

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

    this.workspace = demoDataBucket(this, 'Workspace', 'the research team workspace');
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
    addTeamTools(this, this);

    trackLibraryFindings(this);
  }
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
