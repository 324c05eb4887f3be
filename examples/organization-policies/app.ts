import { App, Stack } from 'aws-cdk-lib';
import { AgentOrganizationPolicies, OrganizationModelGuardrail } from '../../lib';
import { addExampleChecks } from '../_shared/example-checks';
import { EXAMPLE_ENV } from '../_shared/example-env';

/** The organization root every member account hangs under (from `aws organizations list-roots`). */
export const ORGANIZATION_ROOT = 'r-ab12';
/** The guardrail the organization requires on every model call by an agent, any version. */
export const ORGANIZATION_GUARDRAIL = 'arn:*:bedrock:*:111111111111:guardrail/org-baseline:*';

/**
 * Organization policies, deployed in the management account: one SCP and one RCP attached to
 * the root, so every role tagged `ai:agent` in every member account — built with this library or
 * not — can make no IAM writes, cannot tamper with audit logs, cannot use Bedrock API keys, cannot
 * act once revoked, cannot cross tenants on S3, DynamoDB, Secrets Manager, KMS and SQS, and invokes
 * models only through the organization's guardrail.
 */
export function buildApp(app: App): Stack[] {
  const stack = new Stack(app, 'OrganizationPoliciesExample', {
    env: EXAMPLE_ENV,
    description: 'cdk-agent-identity organization policies (deploy in the management account)',
  });
  new AgentOrganizationPolicies(stack, 'AgentOrganizationPolicies', {
    targetIds: [ORGANIZATION_ROOT],
    modelGuardrail: OrganizationModelGuardrail.oneOf([ORGANIZATION_GUARDRAIL]),
  });
  return [stack];
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  addExampleChecks(app);
  app.synth();
}
