import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { AgentIdentity } from '../../identity/agent-identity';
import { failAt, show } from '../../shared/errors';
import { acknowledgeFindings, acknowledgeWildcardResource } from '../../shared/nag-acknowledgements';
import { RuntimeManagedIdentities } from '../../shared/runtime-managed-identity';
import { requireRuntime } from './runtime-match';

/**
 * Statement ids the `Runtime` L2 adds to its execution role (aws-cdk-lib
 * `aws-bedrockagentcore/lib/runtime/runtime.js` `addExecutionRolePermissions`). Each is broader
 * than one runtime needs: logs on every runtime's log group, `logs:DescribeLogGroups` on every log
 * group of the account, workload access tokens for every workload identity. The binding drops them
 * and grants the exact equivalents itself.
 */
const L2_EXECUTION_ROLE_SIDS: ReadonlySet<string> = new Set([
  'LogGroupAccess',
  'DescribeLogGroups',
  'LogStreamAccess',
  'XRayAccess',
  'CloudWatchMetrics',
  'GetAgentAccessToken',
]);

/** The CloudWatch metrics namespace AgentCore Runtime publishes to (the only one allowed). */
const METRICS_NAMESPACE = 'bedrock-agentcore';

const XRAY_ACTIONS = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
];

/** What the binding needs to know beyond the L2's own props. */
export interface RuntimeBindingOptions {
  readonly telemetry: boolean;
}

/**
 * Creates `new agentcore.Runtime(scope, id, props)` running as `agent`'s role, and gives the role
 * exactly what this runtime needs (see `AgentCompute.agentCoreRuntime`).
 */
export function bindAgentCoreRuntime(
  scope: IConstruct,
  id: string,
  agent: AgentIdentity,
  props: agentcore.RuntimeProps,
  options: RuntimeBindingOptions,
): agentcore.Runtime {
  requireRuntime(
    scope,
    agent,
    'agentcore-runtime',
    'an AgentCore Runtime',
    'AgentRuntime.agentCoreRuntime()',
  );
  if (!props || typeof props !== 'object' || props.agentRuntimeArtifact === undefined) {
    failAt(
      scope,
      `agentCoreRuntime for agent ${show(agent.agentName)} needs the runtime's props with agentRuntimeArtifact, e.g. { agentRuntimeArtifact: agentcore.AgentRuntimeArtifact.fromEcrRepository(repository, 'v1') }`,
    );
  }
  if (props.executionRole !== undefined) {
    failAt(
      scope,
      `agentCoreRuntime sets executionRole to the role of agent ${show(agent.agentName)}; got executionRole ${show(props.executionRole.node.path)}: leave executionRole unset`,
    );
  }

  // The L2 adds its account-wide statements to whatever role it is given. It gets a view of the
  // agent's role that forwards only the artifact grants (image pull, code read) into the
  // binding's own policy and drops the L2's broad statements, which the binding replaces below.
  const forwarded: iam.PolicyStatement[] = [];
  // Named by role name, so the view is of this account: the L2's repository grantPull then goes to
  // the identity policy only, not also to the repository's resource policy.
  const view = iam.Role.fromRoleName(
    agent,
    `AgentCoreRuntimeRole${runtimeCount(agent)}`,
    agent.role.roleName,
    {
      mutable: false,
    },
  );
  const keep = (statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult => {
    // Everything the L2's constructor adds is its execution-role boilerplate: dropped whatever its
    // statement ids (a renamed statement in a later aws-cdk-lib cannot slip through). What comes
    // later (the artifact's image pull or code read, bound when the runtime renders; grants to
    // `runtime.grantPrincipal`) lands in the agent's runtime policy, still without the L2's own.
    const fromL2 =
      sink.constructing ||
      (statement.sid !== undefined && L2_EXECUTION_ROLE_SIDS.has(statement.sid)) ||
      isCodeBucketRead(sink.runtime, statement);
    if (!fromL2) {
      if (sink.policy) sink.policy.addStatements(statement);
      else forwarded.push(statement);
    }
    return { statementAdded: true, policyDependable: sink.policy ?? agent.role };
  };
  const sink: { policy?: iam.Policy; runtime?: agentcore.Runtime; constructing: boolean } = {
    constructing: true,
  };
  Object.defineProperty(view, 'addToPrincipalPolicy', { value: keep });
  Object.defineProperty(view, 'addToPolicy', { value: (s: iam.PolicyStatement) => keep(s).statementAdded });

  const runtime = new agentcore.Runtime(scope, id, { ...props, executionRole: view });
  sink.constructing = false;
  sink.runtime = runtime;
  RuntimeManagedIdentities.markBound(agent);
  const stack = Stack.of(runtime);

  // Logs: only this runtime's log groups. AgentCore writes each endpoint's logs to
  // /aws/bedrock-agentcore/runtimes/<runtimeId>-<endpointName>. A runtime id is
  // <runtimeName>-<10 letters or digits> and a runtime name has no hyphen, so
  // "<runtimeId>-*" cannot match another runtime's log groups.
  const logGroups = stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: `/aws/bedrock-agentcore/runtimes/${runtime.agentRuntimeId}-*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const logStreams = `${logGroups}:log-stream:*`;
  const statements = [
    new iam.PolicyStatement({
      sid: 'RuntimeLogGroups',
      actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
      resources: [logGroups],
    }),
    new iam.PolicyStatement({
      sid: 'RuntimeLogStreams',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logStreams],
    }),
  ];
  if (options.telemetry) {
    statements.push(
      new iam.PolicyStatement({ sid: 'RuntimeTraces', actions: XRAY_ACTIONS, resources: ['*'] }),
      new iam.PolicyStatement({
        sid: 'RuntimeMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRICS_NAMESPACE } },
      }),
    );
  }
  const policy = new iam.Policy(runtime, 'AgentPolicy', { roles: [agent.role], statements });
  policy.addStatements(...forwarded);
  sink.policy = policy;
  // Bind the artifact now (the L2 binds it again when it renders, which is a no-op), so its image
  // pull or code read is in the policy before anything resolves it.
  runtime.agentRuntimeArtifact.bind(runtime, runtime);
  // The L2 lets a code artifact's reader read (and list) its whole bucket; the agent may read the
  // one object AgentCore runs, and nothing else of that bucket.
  const code = codeObjectOf(runtime);
  if (code !== undefined) {
    policy.addStatements(
      new iam.PolicyStatement({
        sid: 'RuntimeCode',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [
          stack.formatArn({
            service: 's3',
            region: '',
            account: '',
            resource: code.bucketName,
            resourceName: code.objectKey,
          }),
        ],
      }),
    );
  }

  const reason = `AgentCore Runtime ${runtime.node.path} runs as agent ${agent.agentName}`;
  acknowledgeWildcardResource(
    policy,
    logGroups,
    `${reason}; AgentCore names one log group per endpoint (<runtimeId>-<endpoint>): the wildcard stands only for the endpoint names of this runtime`,
  );
  acknowledgeWildcardResource(
    policy,
    logStreams,
    `${reason}; the wildcards stand for this runtime's endpoint and stream names`,
  );
  const imageUri = literalImageUri(runtime);
  if (imageUri !== undefined) {
    policy.addStatements(
      new iam.PolicyStatement({
        sid: 'RuntimeImagePull',
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        resources: [repositoryArnOf(runtime, imageUri)],
      }),
      new iam.PolicyStatement({
        sid: 'RuntimeRegistryToken',
        actions: ['ecr:GetAuthorizationToken'],
        resources: ['*'],
      }),
    );
  }
  const artifact = runtime.agentRuntimeArtifact as unknown as Record<string, unknown>;
  const pullsImage = imageUri !== undefined || 'repository' in artifact || 'directory' in artifact;
  if (options.telemetry || pullsImage) {
    acknowledgeWildcardResource(
      policy,
      '*',
      `${reason}; ` +
        [
          ...(options.telemetry
            ? [
                `X-Ray trace and sampling actions have no resource types, and cloudwatch:PutMetricData is held to the ${METRICS_NAMESPACE} namespace by the cloudwatch:namespace condition`,
              ]
            : []),
          ...(pullsImage
            ? [
                'ecr:GetAuthorizationToken has no resource types (image layers are pulled from one repository only)',
              ]
            : []),
        ].join('; '),
    );
  }
  if (options.telemetry) {
    acknowledgeFindings(agent.role, {
      'AgentIdentity-NoWildcardResources[Action::cloudwatch:PutMetricData]': `${reason}; AgentCore Runtime publishes its metrics without a dataset, and the cloudwatch:namespace condition holds the grant to the ${METRICS_NAMESPACE} namespace`,
    });
  }
  acknowledgeFindings(policy, {
    'NIST.800.53.R5-IAMNoInlinePolicy': `${reason}: its platform permissions name the runtime, so they live beside it rather than in a policy shared by agents`,
  });
  return runtime;
}

/** The L2's read of a code artifact's bucket (`bucket.grantRead`): replaced by a read of one object. */
function isCodeBucketRead(runtime: agentcore.Runtime | undefined, statement: iam.PolicyStatement): boolean {
  const code = runtime && codeObjectOf(runtime);
  if (code === undefined || statement.actions.length === 0) return false;
  if (!statement.actions.every((a) => a.startsWith('s3:'))) return false;
  const stack = Stack.of(runtime!);
  const bucket = JSON.stringify(stack.resolve(code.bucketName)).slice(1, -1);
  return JSON.stringify(stack.resolve(statement.resources)).includes(bucket);
}

/** Bucket and key of a code artifact (`fromS3`, or `fromCodeAsset` once bound), if it is one. */
function codeObjectOf(runtime: agentcore.Runtime): { bucketName: string; objectKey: string } | undefined {
  const artifact = runtime.agentRuntimeArtifact as unknown as {
    s3Location?: { bucketName: string; objectKey: string };
    asset?: { bucket?: { bucketName: string }; s3ObjectKey?: string };
  };
  if (artifact.s3Location) return artifact.s3Location;
  if (artifact.asset?.bucket && artifact.asset.s3ObjectKey !== undefined) {
    return { bucketName: artifact.asset.bucket.bucketName, objectKey: artifact.asset.s3ObjectKey };
  }
  return undefined;
}

/**
 * The literal image URI of an `AgentRuntimeArtifact.fromImageUri(...)` artifact: the L2 grants no
 * pull for it, so the binding grants one repository, read from the URI.
 */
function literalImageUri(runtime: agentcore.Runtime): string | undefined {
  const artifact = runtime.agentRuntimeArtifact as unknown as { containerUri?: unknown };
  return typeof artifact.containerUri === 'string' ? artifact.containerUri : undefined;
}

/** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest]` → the repository ARN. */
function repositoryArnOf(runtime: agentcore.Runtime, uri: string): string {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)[:@]/.exec(uri);
  if (Token.isUnresolved(uri) || !match) {
    failAt(
      runtime,
      `image ${show(uri)} names no repository the agent can be granted to pull from; ` +
        'use AgentRuntimeArtifact.fromEcrRepository(repository, tag), fromAsset(directory), or fromImageUri with a literal ECR image URI',
    );
  }
  return Stack.of(runtime).formatArn({
    service: 'ecr',
    account: match[1],
    region: match[2],
    resource: 'repository',
    resourceName: match[3],
  });
}

/** Index of the next runtime bound to `agent` (an agent may run on several runtimes). */
function runtimeCount(agent: AgentIdentity): number {
  let n = 0;
  while (agent.node.tryFindChild(`AgentCoreRuntimeRole${n}`)) n++;
  return n;
}
