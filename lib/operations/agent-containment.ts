import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import { acknowledgeControlTowerFindings } from '../shared/control-tower-acknowledgements';
import { IAgentIdentity } from '../identity/agent-capabilities';
import { acknowledgeFindings, acknowledgeWildcardResource } from '../shared/nag-acknowledgements';
import { IAgentContainment } from './agent-anomaly-detection';
import { AgentRevocation } from './agent-revocation';

const HANDLER_DIR = path.join('handlers', 'auto-revoke');

/** Properties of `AgentContainment`. */
export interface AgentContainmentProps {
  /**
   * How long the function's log lines (what was revoked, by which alarm) are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Automatic containment: an alarm action that revokes the agent whose anomaly alarm fired, exactly
 * as `agent-identity revoke` does (the inline policy `AgentIdentityRevocation` and the tags
 * `ai:revoked` / `ai:revoked-reason`, the reason naming the alarm). Pass it as
 * `AgentAnomalyDetection.perAgent({ containment })`; off unless given.
 *
 * The function may write only to the roles of the agents it watches (`iam:PutRolePolicy` and
 * `iam:TagRole` on those role ARNs, the tags limited to the two revocation keys); it cannot undo a
 * revocation (no `iam:DeleteRolePolicy` / `iam:UntagRole`): lifting it stays a human decision
 * (`agent-identity revoke --undo`). The trail's revocation alarm reports every containment.
 */
export class AgentContainment extends Construct implements IAgentContainment {
  /** Agents one containment function may watch (its policy names each role ARN twice). */
  public static readonly MAX_AGENTS = 36;
  /** The function that revokes. */
  public readonly function: lambda.Function;
  /** The role the function runs as. */
  public readonly role: iam.Role;
  /** The role's policy: its log stream, and the revocation writes on each watched agent's role. */
  public readonly policy: iam.ManagedPolicy;
  /** The alarm action that invokes the function. */
  public readonly alarmAction: cloudwatch.IAlarmAction;
  private readonly agentRoleArns: string[] = [];
  private readonly writePolicy: iam.PolicyStatement;
  private readonly writeTags: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: AgentContainmentProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    this.role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Revokes an AI agent whose anomaly alarm fired (automatic containment)',
    });
    const logStreams = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${logGroup.logGroupName}:log-stream:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const roleArns = this.agentRoleArns;
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description:
        'Automatic containment: write the revocation policy and tags on the watched agent roles only',
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'Logs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logStreams],
        }),
      ],
    });
    // Each watched agent's role ARN is added to these two statements (allowContainmentOf).
    this.writePolicy = new iam.PolicyStatement({
      sid: 'WriteRevocationPolicy',
      actions: ['iam:PutRolePolicy'],
    });
    this.writeTags = new iam.PolicyStatement({
      sid: 'WriteRevocationTags',
      actions: ['iam:TagRole'],
      conditions: {
        'ForAllValues:StringEquals': {
          'aws:TagKeys': [AgentRevocation.REVOKED_TAG, AgentRevocation.REASON_TAG],
        },
      },
    });
    this.node.addValidation({
      validate: () => {
        if (roleArns.length === 0) {
          return [
            'AgentContainment watches no agent: pass it as AgentAnomalyDetection.perAgent({ containment }) on a trail that records agents',
          ];
        }
        return roleArns.length > AgentContainment.MAX_AGENTS
          ? [
              `AgentContainment watches ${roleArns.length} agents; its policy holds the role ARNs of at most ${AgentContainment.MAX_AGENTS} ` +
                '(a managed policy is at most 6,144 characters): use one AgentContainment per trail of at most that many agents',
            ]
          : [];
      },
    });

    this.function = new lambda.Function(this, 'Resource', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(handlerDirectory()),
      role: this.role,
      logGroup,
      timeout: Duration.seconds(30),
      memorySize: 256,
      description:
        'Revokes the AI agent whose anomaly alarm fired (inline policy AgentIdentityRevocation + ai:revoked tag)',
    });
    this.function.node.addDependency(this.policy);
    // One permission for every alarm of this account and region (a permission per alarm would
    // outgrow the function's 20 KB resource policy in a large fleet); the function revokes only the
    // roles its IAM policy names, whichever alarm invokes it.
    this.function.addPermission('InvokeFromAlarms', {
      principal: new iam.ServicePrincipal('lambda.alarms.cloudwatch.amazonaws.com'),
      sourceAccount: stack.account,
      sourceArn: stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: '*',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    });
    const functionArn = this.function.functionArn;
    this.alarmAction = { bind: () => ({ alarmActionArn: functionArn }) };
    acknowledgeWildcardResource(
      this.policy,
      logStreams,
      'Lambda names the log streams of its invocations itself; the wildcard stands only for stream names inside this one log group',
    );
    const logsHoldNoData =
      'the handler logs only role names, alarm names and times (no data, no credentials); the log group holds nothing to encrypt with a customer managed key';
    const callsOnlyIam =
      'the function calls only the IAM API; place it in a VPC with an interface endpoint where the account requires it';
    acknowledgeControlTowerFindings(this, {
      cloudwatch_log_group_encrypted_check: logsHoldNoData,
      lambda_inside_vpc_check: callsOnlyIam,
    });
    acknowledgeFindings(this, {
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted': logsHoldNoData,
      'NIST.800.53.R5-LambdaConcurrency':
        'invoked only by CloudWatch alarm state changes of the watched agents; reserving concurrency would take capacity from the account pool for no gain',
      'NIST.800.53.R5-LambdaDLQ':
        'an incomplete revocation throws, Lambda retries the asynchronous invocation, the log line names what was not revoked and the revocation alarm shows what was; the alarm itself stays in ALARM for the operator',
      'NIST.800.53.R5-LambdaInsideVPC': callsOnlyIam,
    });
    this.node.defaultChild = this.function.node.defaultChild;
  }

  /** Lets the function revoke `agent` (called by the anomaly alarms for each watched agent). */
  public allowContainmentOf(agent: IAgentIdentity): void {
    if (this.agentRoleArns.includes(agent.roleArn)) return;
    if (this.agentRoleArns.length === 0) this.policy.addStatements(this.writePolicy, this.writeTags);
    this.agentRoleArns.push(agent.roleArn);
    this.writePolicy.addResources(agent.roleArn);
    this.writeTags.addResources(agent.roleArn);
  }
}

/**
 * The handler folder. Compiled code runs from dist/lib/operations while the plain-JS handler ships
 * in lib/operations/handlers, so look next to this file first, then in the package's lib/.
 */
function handlerDirectory(): string {
  const candidates = [
    path.join(__dirname, HANDLER_DIR),
    path.join(__dirname, '..', '..', '..', 'lib', 'operations', HANDLER_DIR),
  ];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.js'))) ?? candidates[0];
}
