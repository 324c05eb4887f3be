import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { AgentIdentity } from '../identity/agent-identity';
import { failAt, show } from '../shared/errors';
import { acknowledgeWildcardResource } from '../shared/nag-acknowledgements';
import { AgentCoreRuntimeBindingOptions } from './agentcore-runtime-binding-options';
import { bindAgentCoreRuntime } from './private/agentcore-runtime-binding';
import { eksTrustOf, requireRuntime } from './private/runtime-match';

/** Options for binding an agent to a Lambda function. */
export interface AgentLambdaBindingOptions {
  /**
   * How long the function's log group keeps logs, when the binding creates it (the function was
   * created without a `logGroup`).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Customer managed key for the log group the binding creates. Its key policy must let
   * `logs.<region>.amazonaws.com` use it for this log group.
   * @default - encrypted by CloudWatch Logs with a service key
   */
  readonly logEncryptionKey?: kms.IKey;
}

/** What binding an agent to a Lambda function produced. */
export interface AgentLambdaBinding {
  /** The function's own log group: the only log group the agent may write to. */
  readonly logGroup: logs.ILogGroup;
  /** The log permissions added to the agent. */
  readonly grant: iam.Grant;
}

/** Options for an EKS Pod Identity association. */
export interface AgentEksPodIdentityOptions {
  /** Name of the EKS cluster whose pods run as the agent. */
  readonly clusterName: string;
}

/** The one place an agent meets the compute that runs it. */
export class AgentCompute {
  /**
   * Binds an agent to a Lambda function created with `role: agent.role` (also `NodejsFunction`
   * and other subclasses of `lambda.Function`). The agent may then write its logs to the
   * function's own log group and nowhere else: `logs:CreateLogStream` and `logs:PutLogEvents` on
   * that log group's streams, in the agent's own policy. When the function was created without
   * `logGroup`, the binding creates one (child `AgentLogGroup` of the function) and points the
   * function at it, so nothing depends on the `/aws/lambda/<name>` group Lambda would create.
   * With tracing on, aws-cdk-lib adds `xray:PutTraceSegments` / `xray:PutTelemetryRecords`
   * (X-Ray has no resource-level permissions); the binding records why `*` is there.
   *
   * Fails when the agent's runtime is not `AgentRuntime.lambdaFunction()` or the function runs as
   * another role. Never use `AWSLambdaBasicExecutionRole`: it writes to every log group.
   */
  public static lambdaFunction(
    agent: AgentIdentity,
    fn: lambda.Function,
    options: AgentLambdaBindingOptions = {},
  ): AgentLambdaBinding {
    requireRuntime(fn, agent, 'lambda', 'a Lambda function', 'AgentRuntime.lambdaFunction()');
    requireSameRole(fn, agent, fn.role, 'role');
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
    const stack = Stack.of(fn);
    const loggingConfig = stack.resolve(cfn.loggingConfig) as { logGroup?: unknown } | undefined;
    let logGroup: logs.ILogGroup;
    if (loggingConfig?.logGroup !== undefined) {
      logGroup = fn.logGroup;
    } else {
      logGroup = new logs.LogGroup(fn, 'AgentLogGroup', {
        retention: options.logRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: options.logEncryptionKey,
      });
      cfn.loggingConfig = { ...(loggingConfig ?? {}), logGroup: logGroup.logGroupName };
    }
    const logStreams = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${logGroup.logGroupName}:log-stream:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const grant = iam.Grant.addToPrincipal({
      grantee: agent,
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resourceArns: [logStreams],
    });
    acknowledgeWildcardResource(
      agent,
      logStreams,
      `Lambda names the log streams of ${fn.node.path} itself; the wildcard stands only for stream names inside that function's own log group`,
    );
    const tracing = stack.resolve(cfn.tracingConfig) as { mode?: string } | undefined;
    if (tracing?.mode === lambda.Tracing.ACTIVE || tracing?.mode === lambda.Tracing.PASS_THROUGH) {
      const defaultPolicy = agent.role.node.tryFindChild('DefaultPolicy');
      if (defaultPolicy)
        acknowledgeWildcardResource(
          defaultPolicy,
          '*',
          'xray:PutTraceSegments and xray:PutTelemetryRecords (added by aws-cdk-lib for a traced function) have no resource types: IAM accepts only "*"',
        );
    }
    return { logGroup, grant };
  }

  /**
   * Binds an agent to an ECS task definition created with `taskRole: agent.role`. The agent is
   * the task role: what the application code in the containers may do. Pulling images, reading
   * container secrets and writing container logs is the execution role's job, which must be a
   * different role (aws-cdk-lib creates one when a container needs it): an agent that can pull
   * images and read every container secret is more than the agent. The task role needs no
   * platform permission of its own, so nothing is added to the agent; ECS Exec
   * (`ssmmessages:*`) is deliberately not granted.
   *
   * Fails when the agent's runtime is not `AgentRuntime.ecsTask()`, the task runs as another
   * role, or the execution role is the agent's role (checked now and again at synth, since
   * containers may be added later).
   */
  public static ecsTaskDefinition(agent: AgentIdentity, taskDefinition: ecs.TaskDefinition): void {
    requireRuntime(taskDefinition, agent, 'ecs-task', 'an ECS task definition', 'AgentRuntime.ecsTask()');
    requireSameRole(taskDefinition, agent, taskDefinition.taskRole, 'taskRole');
    const separateExecutionRole = (): string[] =>
      taskDefinition.executionRole !== undefined && isAgentRole(agent, taskDefinition.executionRole)
        ? [
            `the execution role of this task definition is the role of agent ${show(agent.agentName)}; ` +
              'the execution role pulls images, reads container secrets and writes container logs for ECS, which the agent itself must not: ' +
              'leave executionRole unset (aws-cdk-lib creates one) or pass a role of its own',
          ]
        : [];
    const now = separateExecutionRole();
    if (now.length > 0) failAt(taskDefinition, now[0]);
    taskDefinition.node.addValidation({ validate: separateExecutionRole });
  }

  /**
   * Lets the pods of the agent's namespace and service account in `clusterName` run as the agent
   * (an `AWS::EKS::PodIdentityAssociation`, child `id` of `scope`). The namespace and service
   * account are read from the agent's trust policy, so the association cannot name other pods
   * than the role trusts; when the trust pins a cluster, `clusterName` must be that cluster.
   * Pod Identity needs no permission on the agent's role beyond its trust.
   */
  public static eksPodIdentity(
    scope: IConstruct,
    id: string,
    agent: AgentIdentity,
    options: AgentEksPodIdentityOptions,
  ): eks.CfnPodIdentityAssociation {
    requireRuntime(
      scope,
      agent,
      'eks-pod-identity',
      'an EKS pod identity association',
      'AgentRuntime.eksPodIdentity({ kubernetesNamespace, serviceAccount })',
    );
    const trust = eksTrustOf(agent);
    const clusterName = options?.clusterName;
    if (typeof clusterName !== 'string' || clusterName === '') {
      failAt(
        scope,
        `eksPodIdentity for agent ${show(agent.agentName)} needs clusterName, e.g. { clusterName: cluster.clusterName }`,
      );
    }
    if (
      trust.clusterName !== undefined &&
      (Token.isUnresolved(clusterName) || clusterName !== trust.clusterName)
    ) {
      failAt(
        scope,
        `clusterName ${show(clusterName)} is not the cluster ${show(trust.clusterName)} agent ${show(agent.agentName)} trusts; ` +
          `use { clusterName: ${show(trust.clusterName)} } or change the agent's AgentRuntime.eksPodIdentity clusterName`,
      );
    }
    return new eks.CfnPodIdentityAssociation(scope, id, {
      clusterName,
      namespace: trust.namespace,
      serviceAccount: trust.serviceAccount,
      roleArn: agent.roleArn,
    });
  }

  /**
   * Creates an AgentCore `Runtime` (child `id` of `scope`, from aws-cdk-lib's L2 and `props`) that
   * runs as the agent: its execution role is the agent's role, which trusts
   * `bedrock-agentcore.amazonaws.com` of this account only (`AgentRuntime.agentCoreRuntime()`).
   *
   * The L2 would give its execution role logs on every runtime's log groups,
   * `logs:DescribeLogGroups` on every log group of the account and workload access tokens for every
   * workload identity. None of that reaches the agent. Its policy `<id>/AgentPolicy` grants exactly
   * what this runtime needs:
   * - `logs:CreateLogGroup`, `logs:DescribeLogStreams`, `logs:CreateLogStream`, `logs:PutLogEvents`
   *   on `/aws/bedrock-agentcore/runtimes/<runtimeId>-*` (one log group per endpoint) only;
   * - image pull from the artifact's one ECR repository (`fromEcrRepository`, `fromAsset`, or a
   *   literal `fromImageUri`), or `s3:GetObject` / `s3:GetObjectVersion` on its one code object
   *   (`fromS3`, `fromCodeAsset`; the L2 would read and list the whole bucket);
   * - with `telemetry` (default): X-Ray, and `cloudwatch:PutMetricData` in the
   *   `bedrock-agentcore` namespace only.
   *
   * No workload access token action is granted: AgentCore Runtime obtains the runtime's tokens
   * itself and hands them to the agent code. `props.executionRole` must be unset. Grants made
   * to the runtime (`runtime.grantPrincipal`) land in the agent's `AgentPolicy` and are judged by
   * the checks like any grant to the agent; prefer granting to the agent.
   */
  public static agentCoreRuntime(
    scope: IConstruct,
    id: string,
    agent: AgentIdentity,
    props: agentcore.RuntimeProps,
    options: AgentCoreRuntimeBindingOptions = {},
  ): agentcore.Runtime {
    return bindAgentCoreRuntime(scope, id, agent, props, { telemetry: options.telemetry ?? true });
  }

  private constructor() {}
}

function isAgentRole(agent: AgentIdentity, role: iam.IRole | undefined): boolean {
  return role !== undefined && (role === agent.role || role.node === agent.role.node);
}

function requireSameRole(
  compute: IConstruct,
  agent: AgentIdentity,
  role: iam.IRole | undefined,
  prop: string,
): void {
  if (!isAgentRole(agent, role)) {
    failAt(
      compute,
      `runs as ${role ? show(role.node.path) : 'a role of its own'}, not as agent ${show(agent.agentName)}; ` +
        `create it with ${prop}: agent.role, then bind it`,
    );
  }
}
