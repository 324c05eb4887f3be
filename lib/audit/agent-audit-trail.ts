import { ArnFormat, Aws, Duration, Lazy, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledgeControlTowerFindings } from '../shared/control-tower-acknowledgements';
import { IAgentAuditTrail, IAgentIdentity } from '../identity/agent-capabilities';
import { failAt, show } from '../shared/errors';
import { AgentTagKeys } from '../shared/tag-keys';
import { AuditObjectLockMode } from './audit-object-lock-mode';
import { TrailKeeping, sandboxKeeping } from './audit-trail-sandbox';
import { MAX_SELECTOR_VALUES, SelectorPlan, planSelectors } from './event-selectors';
import { UNRECORDED_RESOURCE_POLICY, auditResourcePolicies } from './private/resource-policy-audit';
import { acknowledgeWildcardResource } from '../shared/nag-acknowledgements';
import {
  MAX_FILTER_PATTERN_LENGTH,
  MAX_METRIC_FILTERS_PER_LOG_GROUP,
  accessDeniedPattern,
  roleChangePattern,
  roleNamesPerFilter,
  revocationPattern,
  roleUsePattern,
  trailTamperingPattern,
} from './filter-patterns';
import { AgentRevocation } from '../operations/agent-revocation';
import { AgentAnomalyAlarms, AgentAnomalyDetection } from '../operations/agent-anomaly-detection';
import { cloudWatchLogsKeyStatement, denyGrantsExceptForAwsServices } from '../shared/kms-statements';
import { ALARM_TOPIC_PROTECTED_ACTIONS, AUDIT_BUCKET_PROTECTED_ACTIONS } from './private/protected-actions';

/** Properties of an `AgentAuditTrail`. */
export interface AgentAuditTrailProps {
  /**
   * How long log files are kept and locked against deletion (S3 Object Lock default retention and
   * the lifecycle expiration of both buckets; the CloudWatch log group keeps them at least as long).
   * Must be whole days and at least `AgentAuditTrail.MINIMUM_RETENTION` (184 days, the longest
   * six-month span): EU AI Act Art. 26(6) requires deployers of high-risk AI systems to keep the
   * logs the system generates for at least six months.
   * @default Duration.days(400)
   */
  readonly retention?: Duration;
  /**
   * Object Lock mode of the log bucket. `COMPLIANCE` means no one, including the root user, can
   * delete or shorten the retention of a log file until it expires: an AWS account holding such a
   * bucket cannot be cleaned up early, and a too-long retention cannot be undone. `GOVERNANCE`
   * lets principals with `s3:BypassGovernanceRetention` delete log files: use it only for
   * non-production accounts that must be torn down, knowing the logs are then only as
   * tamper-evident as the IAM policies that withhold that permission.
   * @default AuditObjectLockMode.COMPLIANCE
   */
  readonly objectLockMode?: AuditObjectLockMode;
  /**
   * Name of the trail: 3-128 letters, digits, `.`, `_` or `-`, starting and ending with a letter or digit.
   * @default - a name unique to this construct's path
   */
  readonly trailName?: string;
  /**
   * Anomaly detection on the recorded agents' calls: `AgentAnomalyDetection.perAgent()` (per agent,
   * anomaly alarms on call volume and denied calls, and an alarm on the first call to a service it
   * was not granted) or `AgentAnomalyDetection.fleet()` (one alarm set for all recorded agents).
   * See README "Incident response" for defaults and the per-agent cost.
   * @default - no anomaly detection (the static alarms on denied calls, role changes, revocations and trail tampering remain)
   */
  readonly anomalyDetection?: AgentAnomalyDetection;
  /**
   * A trail for non-production stacks that must be torn down: GOVERNANCE Object Lock, a
   * retention of 1 to 30 days (`retention`, default 1 day), and buckets, log group and key
   * removed with the stack. Raises a warning, is reported in the entitlement report
   * (`auditTrails[].sandbox`), and is refused where the app context
   * `cdk-agent-identity:environment` or the stack tag `environment` is `production`.
   * @default false
   */
  readonly sandbox?: boolean;
}

/** Days CloudWatch Logs accepts as a retention, ascending. */
const LOG_RETENTION_STEPS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const TRAIL_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{1,126})[A-Za-z0-9]$/;
const ALARM_NAME = /^[A-Za-z0-9-]{1,48}$/;
const SERVER_ACCESS_LOGS_USE_BUCKET_POLICY = '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy';
/** Object Lock allows at most 100 years of default retention. */
const MAX_RETENTION_DAYS = 36500;

/**
 * A tamper-evident record of what every agent did: a multi-region CloudTrail trail encrypted with
 * its own rotating KMS key, delivered to an Object-Locked, versioned S3 bucket and to CloudWatch
 * Logs, recording management events plus the data events of exactly the resources its agents
 * were granted, made by those agents. Metric filters on the log group raise alarms on an SNS topic
 * when an agent is denied access, when a trail is tampered with, when an agent role is changed and
 * when a watched role (such as cross-tenant support access) is used.
 *
 * "Granted" includes resource policies anywhere in the app that name a recorded agent's role or its
 * sessions (bucket policies, DynamoDB table and stream policies, Lambda permissions, SQS and SNS
 * policies), read from the construct tree at synth with the attribution the checks use. A resource
 * of another stack named by a token is recorded as "every data event of its type by the agent's
 * sessions" (naming it could make the stacks depend on each other in a cycle). A grant whose
 * resource cannot be named, or through a holder whose data events are not selected here (S3 access
 * points, S3 Express, S3 Tables), fails synth naming the policy; acknowledge
 * `AgentAuditTrail-UnrecordedResourcePolicy` on the holder to accept the latter. KMS, Secrets
 * Manager and STS calls are management events, recorded without data selectors.
 */
export class AgentAuditTrail extends Construct implements IAgentAuditTrail {
  /** The shortest retention accepted: 184 days, the longest span six calendar months can cover. */
  public static readonly MINIMUM_RETENTION = Duration.days(184);
  /** The retention used when none is given. */
  public static readonly DEFAULT_RETENTION = Duration.days(400);
  /** CloudTrail's limit on condition values across all advanced event selectors of one trail. */
  public static readonly MAX_SELECTOR_VALUES = MAX_SELECTOR_VALUES;
  /**
   * The id to acknowledge (`Validations.of(holder).acknowledge({ id, reason })`) on a resource
   * policy whose grant to a recorded agent the trail cannot select data events for (S3 access
   * points, S3 Express, S3 Tables), with the reason those calls need no record.
   */
  public static readonly UNRECORDED_RESOURCE_POLICY = UNRECORDED_RESOURCE_POLICY;

  /** How long log files are kept and locked (evidence for EU AI Act Art. 26(6)). */
  public readonly retention: Duration;
  /** Object Lock mode of the log bucket. */
  public readonly objectLockMode: AuditObjectLockMode;
  /** Retention of the CloudWatch log group, in days (0 = never expire). */
  public readonly logGroupRetentionDays: number;
  /** Name of the trail. */
  public readonly trailName: string;
  /** ARN of the trail. */
  public readonly trailArn: string;
  /** The trail. */
  public readonly trail: cloudtrail.CfnTrail;
  /** Customer managed key (rotation on) encrypting the log files, log group and alarm topic. */
  public readonly encryptionKey: kms.Key;
  /** Versioned, Object-Locked bucket the trail delivers to. */
  public readonly logBucket: s3.Bucket;
  /** Bucket receiving the log bucket's server access logs (no Object Lock: S3 cannot deliver to one). */
  public readonly accessLogBucket: s3.Bucket;
  /** Log group the trail delivers to; metric filters read it. */
  public readonly logGroup: logs.LogGroup;
  /** Topic every alarm of this trail notifies; subscribe to it. */
  public readonly alarmTopic: sns.Topic;
  /** Alarm: a call by an agent role was denied. */
  public readonly accessDeniedAlarm: cloudwatch.Alarm;
  /** Alarm: a recorded agent's role, policies, boundary, trust or tags were changed. */
  public readonly agentRoleChangeAlarm: cloudwatch.Alarm;
  /** Alarm: a trail was stopped, deleted or reconfigured. */
  public readonly trailTamperingAlarm: cloudwatch.Alarm;
  /** The anomaly alarms, when `anomalyDetection` is set. */
  public readonly anomalyAlarms?: AgentAnomalyAlarms;
  /** Alarm: an agent was revoked or its revocation undone (`agent-identity revoke`), on any role of the account. */
  public readonly agentRevocationAlarm: cloudwatch.Alarm;
  /** CloudWatch namespace of this trail's metrics. */
  public readonly metricNamespace: string;
  /** Whether this is a sandbox trail (short, governance-locked, removed with the stack). */
  public readonly sandbox: boolean;

  private readonly agents: IAgentIdentity[] = [];
  private readonly accessDeniedGroups: string[][] = [];
  private readonly roleChangeGroups: string[][] = [];
  private readonly roleUseNames = new Set<string>();
  private metricFilterCount = 0;

  constructor(scope: Construct, id: string, props: AgentAuditTrailProps = {}) {
    super(scope, id);
    // Server access logs are delivered under a bucket policy (not the LogDeliveryWrite ACL, which
    // BucketOwnerEnforced ownership forbids), whatever the app's feature flags say.
    this.node.setContext(SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const stack = Stack.of(this);
    const keeping: TrailKeeping = props.sandbox
      ? sandboxKeeping(this, props.retention, props.objectLockMode)
      : {
          sandbox: false,
          retentionDays: validateRetention(this, props.retention ?? AgentAuditTrail.DEFAULT_RETENTION),
          objectLockMode: validateLockMode(this, props.objectLockMode ?? AuditObjectLockMode.COMPLIANCE),
          removalPolicy: RemovalPolicy.RETAIN,
        };
    const days = keeping.retentionDays;
    this.retention = Duration.days(days);
    this.objectLockMode = keeping.objectLockMode;
    this.sandbox = keeping.sandbox;
    this.trailName = validateTrailName(
      this,
      props.trailName ?? Names.uniqueResourceName(this, { maxLength: 128 }),
    );
    this.trailArn = stack.formatArn({
      service: 'cloudtrail',
      resource: 'trail',
      resourceName: this.trailName,
    });
    this.metricNamespace = `CdkAgentIdentity/${Names.uniqueId(this)}`.slice(0, 255);
    const logGroupName = `/agent-audit/${this.trailName}`;
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: `Encrypts the agent audit trail ${this.node.path}: log files, log group and alarm topic`,
      enableKeyRotation: true,
      removalPolicy: keeping.removalPolicy,
      pendingWindow: keeping.sandbox ? Duration.days(7) : undefined,
    });
    this.addKeyPolicy(logGroupArn);

    const lifecycleRules = keeping.sandbox ? sandboxLifecycle(days) : [archiveThenExpire(days)];
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules,
      removalPolicy: keeping.removalPolicy,
    });
    acknowledgeControlTowerFindings(this.accessLogBucket, {
      s3_bucket_default_encryption_kms_check:
        'S3 server access logging delivers only to target buckets encrypted with SSE-S3, never SSE-KMS; ' +
        'the trail bucket whose access it records is KMS-encrypted',
      s3_bucket_logging_enabled_check:
        'this is the server-access-log target of the trail bucket; logging it into itself or another bucket would only recurse',
      s3_bucket_object_lock_enabled_check:
        'S3 server access logging does not deliver to a target bucket with a default Object Lock retention; ' +
        'the trail bucket itself is object-locked, and this bucket is versioned and retained',
    });
    this.logBucket = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention:
        this.objectLockMode === AuditObjectLockMode.COMPLIANCE
          ? s3.ObjectLockRetention.compliance(Duration.days(days))
          : s3.ObjectLockRetention.governance(Duration.days(days)),
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'audit-log-bucket/',
      lifecycleRules,
      removalPolicy: keeping.removalPolicy,
    });
    for (const bucket of [this.logBucket, this.accessLogBucket]) {
      enableEventBridge(bucket);
      bucket.addToResourcePolicy(
        denyAgents('DenyAgentsTamperingWithAuditLogs', AUDIT_BUCKET_PROTECTED_ACTIONS, [
          bucket.bucketArn,
          bucket.arnForObjects('*'),
        ]),
      );
    }
    this.allowCloudTrailDelivery();
    for (const bucket of [this.logBucket, this.accessLogBucket]) {
      Validations.of(bucket).acknowledge({
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          'cross-region replication needs a destination bucket, key and region that only the deploying organization can choose ' +
          '(typically its log archive account); integrity here rests on Object Lock, versioning and CloudTrail log file validation',
      });
    }
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      reason:
        'this bucket only receives S3 server access logs, whose delivery is documented for SSE-S3 destination buckets; ' +
        'it is encrypted with SSE-S3, while the audit records themselves are encrypted with the customer managed key',
    });

    // A sandbox log group goes with the stack; a year keeps it within the Control Tower control.
    this.logGroupRetentionDays = logGroupRetentionFor(keeping.sandbox ? 365 : days);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName,
      retention: this.logGroupRetentionDays as logs.RetentionDays,
      encryptionKey: this.encryptionKey,
      removalPolicy: keeping.removalPolicy,
    });
    const logsRole = new iam.Role(this, 'LogDeliveryRole', {
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com'),
      description: `Lets CloudTrail deliver ${this.node.path} to its log group`,
    });
    // CloudTrail writes one stream per region, named <account>_CloudTrail_<region>.
    const logStreams = `${logGroupArn}:log-stream:${stack.account}_CloudTrail_*`;
    const logsPolicy = new iam.ManagedPolicy(this, 'LogDeliveryPolicy', {
      description: `CloudTrail delivery into the log group of ${this.node.path}`,
      roles: [logsRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logStreams],
        }),
      ],
    });
    acknowledgeWildcardResource(
      logsPolicy,
      logStreams,
      'CloudTrail creates one log stream per region of this multi-region trail, named <account>_CloudTrail_<region>; ' +
        'the wildcard stands only for the region suffix, inside this one log group',
    );

    this.trail = new cloudtrail.CfnTrail(this, 'Resource', {
      trailName: this.trailName,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: this.encryptionKey.keyArn,
      s3BucketName: this.logBucket.bucketName,
      cloudWatchLogsLogGroupArn: this.logGroup.logGroupArn,
      cloudWatchLogsRoleArn: logsRole.roleArn,
      advancedEventSelectors: Lazy.any({ produce: () => this.plan().selectors }),
    });
    this.trail.node.addDependency(this.logBucket.policy!, logsPolicy, logsRole);
    this.trail.addMetadata('AgentAuditTrail', {
      RetentionDays: days,
      ObjectLockMode: this.objectLockMode,
      LogGroupRetentionDays: this.logGroupRetentionDays,
      ...(keeping.sandbox ? { Sandbox: true } : {}),
      Agents: Lazy.list({ produce: () => this.agents.map((a) => a.agentName) }, { omitEmpty: false }),
    });

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Agent audit alarms',
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': this.alarmArnPattern() },
        },
      }),
    );
    this.alarmTopic.addToResourcePolicy(
      denyAgents('DenyAgentsSilencingAlarms', ALARM_TOPIC_PROTECTED_ACTIONS, [this.alarmTopic.topicArn]),
    );

    this.accessDeniedAlarm = this.newAlarm(
      'AccessDeniedAlarm',
      'AgentAccessDenied',
      'An AI agent role was denied a call (AccessDenied* or *UnauthorizedOperation): an agent tried to reach beyond its grants.',
    );
    this.agentRoleChangeAlarm = this.newAlarm(
      'AgentRoleChangeAlarm',
      'AgentRoleChanges',
      'The role, policies, permissions boundary, trust policy or tags of an AI agent were changed.',
    );
    this.addMetricFilter('TrailTamperingFilter', trailTamperingPattern(), 'TrailTampering');
    this.trailTamperingAlarm = this.newAlarm(
      'TrailTamperingAlarm',
      'TrailTampering',
      'A CloudTrail trail was stopped, deleted or reconfigured (StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors).',
    );
    this.addMetricFilter(
      'AgentRevocationFilter',
      revocationPattern(AgentRevocation.POLICY_NAME, AgentRevocation.REVOKED_TAG),
      'AgentRevocations',
    );
    this.agentRevocationAlarm = this.newAlarm(
      'AgentRevocationAlarm',
      'AgentRevocations',
      `An agent was revoked or its revocation undone (inline policy ${AgentRevocation.POLICY_NAME} or tag ${AgentRevocation.REVOKED_TAG} written or removed).`,
    );

    if (props.anomalyDetection) {
      this.anomalyAlarms = new AgentAnomalyAlarms(this, 'AnomalyDetection', props.anomalyDetection);
    }

    this.node.addValidation({ validate: () => this.validateLimits() });
  }

  /** The metric of the trail's own filters counting every denied call of its agents. */
  public readonly accessDeniedMetricName = 'AgentAccessDenied';

  /** The alarm action that notifies {@link alarmTopic}. */
  public get alarmTopicAction(): cloudwatch.IAlarmAction {
    return new cwActions.SnsAction(this.alarmTopic);
  }

  /**
   * Adds a metric filter for the anomaly alarms on the trail's log group, counted against CloudWatch
   * Logs' limit of 100 filters per log group.
   */
  public addAnomalyMetricFilter(
    id: string,
    pattern: string,
    metricName: string,
    dimensions?: Record<string, string>,
  ): logs.CfnMetricFilter {
    const filter = this.addMetricFilter(id, pattern, metricName);
    if (dimensions) {
      filter.metricTransformations = [
        {
          metricNamespace: this.metricNamespace,
          metricName,
          metricValue: '1',
          dimensions: Object.entries(dimensions).map(([key, value]) => ({ key, value })),
        },
      ];
    }
    return filter;
  }

  /** The agents recorded by this trail, in the order they were attached. */
  public get recordedAgents(): IAgentIdentity[] {
    return [...this.agents];
  }

  /**
   * Starts recording `agent`: data events on every resource it is granted (read at synth, so grants
   * made after this call count), its denied calls and changes to its role. Called by
   * `AgentIdentity` when its `auditTrail` prop is set; calling it twice for an agent is harmless.
   */
  public recordAgent(agent: IAgentIdentity): void {
    if (!agent || typeof agent.agentName !== 'string' || !agent.role) {
      failAt(this, 'recordAgent needs an AgentIdentity (or another IAgentIdentity)');
    }
    if (this.agents.includes(agent)) return;
    if (this.agents.some((a) => a.agentName === agent.agentName)) {
      failAt(
        this,
        `agent ${show(agent.agentName)} is already recorded by this trail under another identity; agent names must be unique`,
      );
    }
    this.agents.push(agent);
    this.addToFilterGroup(
      this.accessDeniedGroups,
      agent.roleName,
      'AccessDeniedFilter',
      accessDeniedPattern,
      'AgentAccessDenied',
    );
    this.addToFilterGroup(
      this.roleChangeGroups,
      agent.roleName,
      'AgentRoleChangeFilter',
      roleChangePattern,
      'AgentRoleChanges',
    );
    this.anomalyAlarms?.watch(agent);
  }

  /**
   * Raises an alarm on the alarm topic whenever a session of `role` is started (AssumeRole,
   * AssumeRoleWithSAML, AssumeRoleWithWebIdentity), e.g. the cross-tenant support access role.
   *
   * @param role the role to watch
   * @param name a short name for the alarm and its metric: letters, digits and dashes, 1-48 long
   */
  public alarmOnRoleUse(role: iam.IRole, name: string): cloudwatch.Alarm {
    if (typeof name !== 'string' || Token.isUnresolved(name) || !ALARM_NAME.test(name)) {
      failAt(
        this,
        `alarmOnRoleUse name ${show(name)} must be 1-48 letters, digits or dashes, e.g. 'support-access'`,
      );
    }
    if (this.roleUseNames.has(name)) {
      failAt(this, `alarmOnRoleUse name ${show(name)} is already used on this trail; choose another name`);
    }
    const pattern = roleUsePattern(role.roleArn);
    if (!Token.isUnresolved(pattern) && pattern.length > MAX_FILTER_PATTERN_LENGTH) {
      failAt(
        this,
        `role ARN ${show(role.roleArn)} is too long for a metric filter pattern (max ${MAX_FILTER_PATTERN_LENGTH} characters)`,
      );
    }
    this.roleUseNames.add(name);
    const metricName = `RoleUse-${name}`;
    this.addMetricFilter(`RoleUse-${name}-Filter`, pattern, metricName);
    return this.newAlarm(
      `RoleUse-${name}-Alarm`,
      metricName,
      `A session of the watched role "${name}" was started.`,
    );
  }

  /** Key policy statements letting CloudTrail, CloudWatch Logs and CloudWatch alarms use the key, and nothing more. */
  private addKeyPolicy(logGroupArn: string): void {
    const key = this.encryptionKey;
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToEncryptLogs',
        principals: [cloudTrail],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': this.trailArn, 'aws:SourceAccount': Aws.ACCOUNT_ID },
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': Stack.of(this).formatArn({
              service: 'cloudtrail',
              region: '*',
              resource: 'trail',
              resourceName: '*',
            }),
          },
        },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToDescribeKey',
        principals: [cloudTrail],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': this.trailArn, 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    key.addToResourcePolicy(
      cloudWatchLogsKeyStatement({
        sid: 'AllowCloudWatchLogsForTheTrailLogGroup',
        region: Aws.REGION,
        logGroupArn,
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToTheEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': this.alarmArnPattern() },
        },
      }),
    );
    key.addToResourcePolicy(denyGrantsExceptForAwsServices());
  }

  /** Bucket policy statements CloudTrail needs, pinned to this trail with `aws:SourceArn`. */
  private allowCloudTrailDelivery(): void {
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    this.logBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSCloudTrailAclCheck',
        principals: [cloudTrail],
        actions: ['s3:GetBucketAcl'],
        resources: [this.logBucket.bucketArn],
        conditions: { StringEquals: { 'aws:SourceArn': this.trailArn } },
      }),
    );
    this.logBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSCloudTrailWrite',
        principals: [cloudTrail],
        actions: ['s3:PutObject'],
        resources: [this.logBucket.arnForObjects(`AWSLogs/${Aws.ACCOUNT_ID}/*`)],
        conditions: {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': this.trailArn },
        },
      }),
    );
  }

  private alarmArnPattern(): string {
    return Stack.of(this).formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** Adds a role name to the last metric filter of a group, or starts a new filter when it is full. */
  private addToFilterGroup(
    groups: string[][],
    roleName: string,
    idPrefix: string,
    build: (roleNames: readonly string[]) => string,
    metricName: string,
  ): void {
    const capacity = roleNamesPerFilter(build);
    let group = groups[groups.length - 1];
    if (!group || group.length >= capacity) {
      group = [];
      groups.push(group);
      const members = group;
      this.addMetricFilter(
        `${idPrefix}${groups.length}`,
        Lazy.string({ produce: () => build(members) }),
        metricName,
      );
    }
    group.push(roleName);
  }

  private addMetricFilter(id: string, filterPattern: string, metricName: string): logs.CfnMetricFilter {
    this.metricFilterCount++;
    return new logs.CfnMetricFilter(this, id, {
      logGroupName: this.logGroup.logGroupName,
      filterPattern,
      metricTransformations: [{ metricNamespace: this.metricNamespace, metricName, metricValue: '1' }],
    });
  }

  private newAlarm(id: string, metricName: string, description: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: new cloudwatch.Metric({
        namespace: this.metricNamespace,
        metricName,
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${description} Source: agent audit trail ${this.node.path}.`,
    });
    alarm.addAlarmAction(new cwActions.SnsAction(this.alarmTopic));
    return alarm;
  }

  /**
   * The selectors for the recorded agents: what they were granted through the library, and what
   * resource policies anywhere in the app grant them (read from the construct tree at synth).
   */
  private plan(): SelectorPlan {
    return planSelectors(this.agents, auditResourcePolicies(this, this.agents));
  }

  private validateLimits(): string[] {
    const errors: string[] = [];
    const plan = this.plan();
    errors.push(...plan.problems);
    if (plan.valueCount > MAX_SELECTOR_VALUES) {
      errors.push(
        `the ${this.agents.length} agents recorded by this trail need ${plan.valueCount} values in advanced event selectors; ` +
          `CloudTrail allows at most ${MAX_SELECTOR_VALUES} per trail and nothing is dropped silently. ` +
          'Split the agents across several AgentAuditTrail constructs, or grant fewer, broader prefixes',
      );
    }
    if (this.metricFilterCount > MAX_METRIC_FILTERS_PER_LOG_GROUP) {
      errors.push(
        `this trail needs ${this.metricFilterCount} metric filters on its log group; CloudWatch Logs allows at most ` +
          `${MAX_METRIC_FILTERS_PER_LOG_GROUP}. Split the agents across several AgentAuditTrail constructs or watch fewer roles`,
      );
    }
    return errors;
  }
}

function validateRetention(scope: Construct, retention: Duration): number {
  if (!retention || typeof retention.toDays !== 'function' || retention.isUnresolved()) {
    failAt(
      scope,
      'retention must be a literal Duration, e.g. Duration.days(400); it sets Object Lock and lifecycle at synth',
    );
  }
  const days = retention.toDays({ integral: false });
  if (!Number.isInteger(days)) {
    failAt(
      scope,
      `retention ${retention.toHumanString()} is not a whole number of days; Object Lock retains in days, e.g. Duration.days(400)`,
    );
  }
  if (days < AgentAuditTrail.MINIMUM_RETENTION.toDays()) {
    failAt(
      scope,
      `retention ${days} days is shorter than six months; EU AI Act Art. 26(6) requires deployers to keep the logs of ` +
        `high-risk AI systems for at least six months: use Duration.days(${AgentAuditTrail.MINIMUM_RETENTION.toDays()}) or longer`,
    );
  }
  if (days > MAX_RETENTION_DAYS) {
    failAt(
      scope,
      `retention ${days} days exceeds the 100 years S3 Object Lock allows; use at most Duration.days(${MAX_RETENTION_DAYS})`,
    );
  }
  return days;
}

function validateLockMode(scope: Construct, mode: AuditObjectLockMode): AuditObjectLockMode {
  if (mode !== AuditObjectLockMode.COMPLIANCE && mode !== AuditObjectLockMode.GOVERNANCE) {
    failAt(
      scope,
      `objectLockMode ${show(mode)} is not an AuditObjectLockMode; use AuditObjectLockMode.COMPLIANCE or GOVERNANCE`,
    );
  }
  return mode;
}

function validateTrailName(scope: Construct, name: string): string {
  if (!Token.isUnresolved(name) && !TRAIL_NAME.test(name)) {
    failAt(
      scope,
      `trailName ${show(name)} is not a valid trail name; use 3-128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit`,
    );
  }
  return name;
}

/** The shortest CloudWatch Logs retention that keeps logs at least `days`; 0 (never expire) beyond ten years. */
function logGroupRetentionFor(days: number): number {
  return LOG_RETENTION_STEPS.find((step) => step >= days) ?? logs.RetentionDays.INFINITE;
}

/** Moves log files to cheaper storage as they age and expires them when the retention ends. */
function archiveThenExpire(days: number): s3.LifecycleRule {
  return {
    id: 'ArchiveThenExpire',
    transitions: [
      { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
      { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
    ],
    expiration: Duration.days(days),
    noncurrentVersionExpiration: Duration.days(1),
    abortIncompleteMultipartUploadAfter: Duration.days(7),
  };
}

/** A sandbox bucket empties itself: versions expire with the retention, then their delete markers. */
function sandboxLifecycle(days: number): s3.LifecycleRule[] {
  return [
    {
      id: 'SandboxExpire',
      expiration: Duration.days(days),
      noncurrentVersionExpiration: Duration.days(1),
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    },
    { id: 'SandboxRemoveDeleteMarkers', expiredObjectDeleteMarker: true },
  ];
}

/** Sends the bucket's events to EventBridge (natively, without the notifications custom resource). */
function enableEventBridge(bucket: s3.Bucket): void {
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  cfn.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}

/** An explicit deny, in a resource policy, for every principal that carries the `ai:agent` tag. */
function denyAgents(sid: string, actions: readonly string[], resources: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: [...actions],
    resources,
    conditions: { Null: { [`aws:PrincipalTag/${AgentTagKeys.AGENT}`]: 'false' } },
  });
}
