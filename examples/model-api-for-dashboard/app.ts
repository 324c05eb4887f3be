import { App, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { AgentAuditTrail, AgentIdentity, AgentRuntime, BedrockModel } from '../../lib';
import { addExampleChecks } from '../_shared/example-checks';
import { EXAMPLE_ENV } from '../_shared/example-env';

/** The foundation model behind the dashboard's model API. */
export const DASHBOARD_MODEL_ID = 'anthropic.claude-3-5-haiku-20241022-v1:0';

/**
 * A model API for one service: an application inference profile that only the
 * `analytics-dashboard` agent may invoke. The dashboard reaches the foundation model only through
 * its profile (`bedrock:InferenceProfileArn`), and no other agent is granted the profile — here a
 * marketing copilot that uses the same foundation model directly is still denied the dashboard's API.
 */
export function buildApp(app: App): Stack[] {
  const stack = new Stack(app, 'ModelApiForDashboardExample', { env: EXAMPLE_ENV });
  const trail = new AgentAuditTrail(stack, 'Audit', { retention: Duration.days(400) });

  const foundationModel = BedrockModel.foundationModel(DASHBOARD_MODEL_ID);
  // The dashboard's model API: its own profile, so its usage, quotas and cost are its own.
  const modelApi = new bedrock.CfnApplicationInferenceProfile(stack, 'DashboardModelApi', {
    inferenceProfileName: 'analytics-dashboard',
    description: 'Model API of the analytics dashboard',
    modelSource: {
      copyFrom: stack.formatArn({
        service: 'bedrock',
        account: '',
        resource: 'foundation-model',
        resourceName: DASHBOARD_MODEL_ID,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    },
  });

  const dashboard = new AgentIdentity(stack, 'Dashboard', {
    agentName: 'analytics-dashboard',
    runtime: AgentRuntime.ecsTask(),
    owner: 'analytics-platform@example.com',
    auditTrail: trail,
  });
  dashboard.grantModels(
    [
      BedrockModel.applicationInferenceProfile(modelApi.attrInferenceProfileArn, {
        underlying: foundationModel,
      }),
    ],
    { streaming: false },
  );

  // Another agent of the account, with its own grant of the same foundation model.
  const copilot = new AgentIdentity(stack, 'MarketingCopilot', {
    agentName: 'marketing-copilot',
    runtime: AgentRuntime.lambdaFunction(),
    owner: 'marketing-tech@example.com',
    auditTrail: trail,
  });
  copilot.grantModels([foundationModel]);

  return [stack];
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  addExampleChecks(app);
  app.synth();
}
