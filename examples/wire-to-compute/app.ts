import { App, Stack, Validations } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import {
  AgentAuditTrail,
  AgentCompute,
  AgentEntitlementReport,
  AgentIdentity,
  AgentIdentityChecks,
  AgentRuntime,
  BedrockModel,
} from '../../lib';

export function buildApp(app: App): Stack {
  const stack = new Stack(app, 'WireToCompute', { env: { account: '111111111111', region: 'us-east-1' } });
  const trail = new AgentAuditTrail(stack, 'Audit');
  const owner = 'support-platform@example.com';
  const haiku = BedrockModel.foundationModel('anthropic.claude-3-5-haiku-20241022-v1:0');

  // Lambda: the function runs as the agent and may write its own log group, no other.
  const triage = new AgentIdentity(stack, 'Triage', {
    agentName: 'email-triage',
    runtime: AgentRuntime.lambdaFunction(),
    owner,
    auditTrail: trail,
  });
  const triageFunction = new lambda.Function(stack, 'TriageFunction', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ triaged: 0 });'),
    role: triage.role,
  });
  AgentCompute.lambdaFunction(triage, triageFunction);
  triage.grantModels([haiku]);

  // ECS: the agent is the task role; the execution role (image pull, container logs) is another role.
  const summarizer = new AgentIdentity(stack, 'Summarizer', {
    agentName: 'summarizer',
    runtime: AgentRuntime.ecsTask(),
    owner,
    auditTrail: trail,
  });
  const summarizerLogs = new logs.LogGroup(stack, 'SummarizerLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
  });
  const task = new ecs.FargateTaskDefinition(stack, 'SummarizerTask', { taskRole: summarizer.role });
  task.addContainer('App', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:24-slim'),
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'summarizer', logGroup: summarizerLogs }),
  });
  AgentCompute.ecsTaskDefinition(summarizer, task);
  summarizer.grantModels([haiku]);

  // EKS: pods of the namespace and service account the agent trusts, in one cluster.
  const researcher = new AgentIdentity(stack, 'Researcher', {
    agentName: 'researcher',
    runtime: AgentRuntime.eksPodIdentity({ kubernetesNamespace: 'research', serviceAccount: 'researcher' }),
    owner,
    auditTrail: trail,
  });
  AgentCompute.eksPodIdentity(stack, 'ResearcherPods', researcher, { clusterName: 'agents' });
  researcher.grantModels([haiku]);

  // AgentCore Runtime: the runtime runs as the agent; logs only to its own log groups, no token actions.
  const concierge = new AgentIdentity(stack, 'Concierge', {
    agentName: 'concierge',
    runtime: AgentRuntime.agentCoreRuntime(),
    owner,
    auditTrail: trail,
  });
  const images = ecr.Repository.fromRepositoryName(stack, 'AgentImages', 'support-agents');
  AgentCompute.agentCoreRuntime(stack, 'ConciergeRuntime', concierge, {
    agentRuntimeArtifact: agentcore.AgentRuntimeArtifact.fromEcrRepository(images, 'v1'),
  });
  concierge.grantModels([haiku]);

  // Choices about the compute itself (VPC, concurrency, log keys) are yours, not the binding's.
  function demo(scope: IConstruct, id: string, reason: string) {
    Validations.of(scope).acknowledge({ id, reason });
  }
  demo(triageFunction, 'NIST.800.53.R5-LambdaInsideVPC', 'demo: calls only Bedrock, needs no VPC');
  demo(triageFunction, 'NIST.800.53.R5-LambdaConcurrency', 'demo: no reserved concurrency');
  demo(triageFunction, 'NIST.800.53.R5-LambdaDLQ', 'invoked synchronously: no DLQ applies');
  demo(triageFunction, 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'demo: logs hold no data');
  demo(summarizerLogs, 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'demo: logs hold no data');
  demo(task, 'NIST.800.53.R5-IAMNoInlinePolicy', 'execution role made by aws-cdk-lib');

  Validations.of(app).addPlugins(new AgentIdentityChecks(app), new AgentEntitlementReport(app));
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
