import { App, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { AgentAuditTrail, AgentBoundary, AgentIdentity, AgentRuntime } from '../../lib';
import { addExampleChecks } from '../_shared/example-checks';
import { EXAMPLE_ENV } from '../_shared/example-env';
import { trackLibraryFindings } from '../_shared/tracked-findings';

/** The model package group that holds the versions of the production lending model. */
export const MODEL_GROUP = 'lending-risk';
/** Agent names (the `ai:agent` tag). */
export const AGENTS = { trainer: 'lending-model-trainer', approver: 'lending-model-approver' } as const;
/** Approval statuses a version may be registered with, and those an approver may set. */
export const REGISTER_STATUS = 'PendingManualApproval';
export const DECISIONS = ['Approved', 'Rejected'];

const CREATE = 'sagemaker:CreateModelPackage';
const UPDATE = 'sagemaker:UpdateModelPackage';
const APPROVAL_STATUS = 'sagemaker:ModelApprovalStatus';

/**
 * Segregation of duties for the production lending model: the trainer agent registers new
 * versions in the model package group (only as PendingManualApproval), the approver agent sets the
 * approval status of existing versions (only Approved or Rejected) and cannot register one. Each
 * is also explicitly denied the other's action, so a later, broader grant cannot merge the duties.
 */
export class LendingModelStack extends Stack {
  public readonly trainer: AgentIdentity;
  public readonly approver: AgentIdentity;
  /** ARN of the model package group. */
  public readonly groupArn: string;
  /** ARN pattern of the group's versions (`model-package/<group>/<version>`). */
  public readonly versionsArn: string;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const trail = new AgentAuditTrail(this, 'Audit', { retention: Duration.days(400) });
    new sagemaker.CfnModelPackageGroup(this, 'ModelGroup', {
      modelPackageGroupName: MODEL_GROUP,
      modelPackageGroupDescription: 'Versions of the production lending risk model',
    });
    this.groupArn = this.formatArn({
      service: 'sagemaker',
      resource: 'model-package-group',
      resourceName: MODEL_GROUP,
    });
    this.versionsArn = this.formatArn({
      service: 'sagemaker',
      resource: 'model-package',
      resourceName: `${MODEL_GROUP}/*`,
    });

    // These agents work in the SageMaker model registry, a service beyond the agents' default ceiling.
    AgentBoundary.of(this).allowServices('sagemaker');
    this.trainer = new AgentIdentity(this, 'Trainer', {
      agentName: AGENTS.trainer,
      runtime: AgentRuntime.ecsTask(),
      owner: 'credit-risk-ml@example.com',
      auditTrail: trail,
    });
    this.approver = new AgentIdentity(this, 'Approver', {
      agentName: AGENTS.approver,
      runtime: AgentRuntime.lambdaFunction(),
      owner: 'model-risk-management@example.com',
      auditTrail: trail,
    });

    // Both read the group and its versions.
    for (const agent of [this.trainer, this.approver]) {
      agent.addToAgentPolicy(
        new iam.PolicyStatement({
          actions: ['sagemaker:DescribeModelPackageGroup'],
          resources: [this.groupArn],
        }),
      );
      agent.addToAgentPolicy(
        new iam.PolicyStatement({
          actions: ['sagemaker:DescribeModelPackage'],
          resources: [this.versionsArn],
        }),
      );
    }
    // Propose: register a version, never pre-approved.
    this.trainer.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: [CREATE],
        resources: [this.versionsArn],
        conditions: { StringEquals: { [APPROVAL_STATUS]: REGISTER_STATUS } },
      }),
    );
    this.trainer.addToAgentPolicy(
      new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: [UPDATE], resources: [this.versionsArn] }),
    );
    // Approve: set the approval status of an existing version, and nothing else.
    this.approver.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: [UPDATE],
        resources: [this.versionsArn],
        conditions: { StringEquals: { [APPROVAL_STATUS]: DECISIONS } },
      }),
    );
    this.approver.addToAgentPolicy(
      new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: [CREATE], resources: [this.versionsArn] }),
    );

    for (const agent of [this.trainer, this.approver]) {
      Validations.of(agent).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:${this.region}:${this.account}:model-package/${MODEL_GROUP}/*]`,
        reason: `the versions of exactly one model package group (${MODEL_GROUP}); SageMaker numbers them at registration`,
      });
    }
    trackLibraryFindings(this);
  }
}

/** Builds the scenario into `app`; its synth fails on any unacknowledged finding. */
export function buildApp(app: App): Stack[] {
  addExampleChecks(app);
  return [new LendingModelStack(app, 'LendingModelSod', { env: EXAMPLE_ENV })];
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
