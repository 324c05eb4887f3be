import { App, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  AgentAnomalyDetection,
  AgentAuditTrail,
  AgentContainment,
  AgentIdentity,
  AgentRuntime,
  BedrockModel,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
  SupportAccess,
} from '../../lib';
import { demoDataBucket } from '../_shared/demo-data-bucket';
import { addExampleChecks } from '../_shared/example-checks';
import { EXAMPLE_ENV } from '../_shared/example-env';

/** One tenant of the platform. */
export interface TenantSpec {
  /** Tenant id (the `ai:tenant` tag). */
  readonly tenant: string;
  /** The tenant's own AWS account, where its data scientists sign in. */
  readonly account: string;
  /** External id agreed with the tenant for assuming its workbench role. */
  readonly externalId: string;
  /** The tenant's fine-tuned model: an on-demand custom model deployment or an imported model. */
  readonly model: (stack: Stack) => BedrockModel;
}

/** The tenants of the demo platform. */
export const TENANTS: TenantSpec[] = [
  {
    tenant: 'acme',
    account: '222222222222',
    externalId: 'acme-workbench-7f3c',
    model: (stack) =>
      BedrockModel.customModelDeployment(bedrockArn(stack, 'custom-model-deployment', 'acme0ft1support')),
  },
  {
    tenant: 'globex',
    account: '333333333333',
    externalId: 'globex-workbench-91ad',
    model: (stack) => BedrockModel.importedModel(bedrockArn(stack, 'imported-model', 'globex0llama3ft')),
  },
];

/** Name of the IAM Identity Center role support engineers sign in with. */
export const SUPPORT_SIGN_IN_ROLE = 'platform-support-engineers';

/**
 * A multi-tenant AI platform: each tenant's data scientists work through a workbench agent of
 * their tenant that reaches only their tenant's training data and fine-tuned model; platform
 * support reads every tenant's data through a separate read-only role that needs MFA.
 */
export function buildApp(app: App): Stack[] {
  const stack = new Stack(app, 'MultiTenantPlatformExample', { env: EXAMPLE_ENV });
  // A tenant's workbench is driven from the tenant's own account, outside the platform's control:
  // an anomaly (a burst of calls or denials, or a service it was never granted) revokes it at once,
  // and a human lifts it with `agent-identity revoke <agent> --undo` after review.
  const containment = new AgentContainment(stack, 'Containment');
  const trail = new AgentAuditTrail(stack, 'Audit', {
    retention: Duration.days(400),
    anomalyDetection: AgentAnomalyDetection.perAgent({ containment }),
  });

  const stores: DataStore[] = [];
  for (const spec of TENANTS) {
    const scope = new Construct(stack, `Tenant-${spec.tenant}`);
    const trainingData = tenantBucket(scope, spec.tenant);
    const store = DataStore.s3Bucket(trainingData);
    stores.push(store);

    const workbench = new AgentIdentity(scope, 'DataScientists', {
      agentName: `${spec.tenant}-data-science`,
      tenant: spec.tenant,
      clearance: DataClassification.CONFIDENTIAL,
      runtime: AgentRuntime.account(spec.account, { externalId: spec.externalId }),
      owner: `data-science@${spec.tenant}.example.com`,
      auditTrail: trail,
    });
    workbench.grantData(store, DataAccess.READ_WRITE);
    workbench.grantModels([spec.model(stack)]);
  }

  const support = new SupportAccess(stack, 'Support', {
    assumedBy: new iam.ArnPrincipal(
      stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: SUPPORT_SIGN_IN_ROLE }),
    ),
    stores,
    clearance: DataClassification.CONFIDENTIAL,
  });
  trail.alarmOnRoleUse(support.role, 'support-access');

  return [stack];
}

/** A tenant's training data: its own bucket and key, tagged with its tenant. */
function tenantBucket(scope: Construct, tenant: string): s3.Bucket {
  const bucket = demoDataBucket(scope, 'TrainingData', `the training data of tenant ${tenant}`);
  DataTags.of(bucket).apply({ tenant, classification: DataClassification.CONFIDENTIAL });
  return bucket;
}

function bedrockArn(stack: Stack, resource: string, id: string): string {
  return stack.formatArn({
    service: 'bedrock',
    resource,
    resourceName: id,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  addExampleChecks(app);
  app.synth();
}
