import { Duration, Lazy, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { IAgentIdentity } from '../identity/agent-capabilities';
import { failAt, show } from '../shared/errors';
import { grantedServiceNamespaces } from './private/granted-services';

/** Options shared by both modes of {@link AgentAnomalyDetection}. */
export interface AgentAnomalyDetectionOptions {
  /**
   * Width of the anomaly-detection band in standard deviations: an alarm fires when the metric
   * rises above the band CloudWatch learned from its history.
   * @default 2
   */
  readonly standardDeviations?: number;
  /**
   * Length of one data point.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
  /**
   * Data points an alarm looks at.
   * @default 3
   */
  readonly evaluationPeriods?: number;
  /**
   * Data points of `evaluationPeriods` that must be outside the band to alarm.
   * @default 2
   */
  readonly datapointsToAlarm?: number;
  /**
   * Per agent, alarm on the first call to a service the agent was not granted (its `eventSource` is
   * none of the services named by the Allow statements of the role's policies, read at synth). Costs
   * one metric filter per agent; only in per-agent mode.
   * @default true
   */
  readonly newServiceDetection?: boolean;
  /**
   * Optional automatic containment: when an agent's alarm fires, this function revokes it (see
   * `AgentContainment`). Off unless given.
   * @default - alarms only notify
   */
  readonly containment?: IAgentContainment;
}

/** What an alarm can trigger besides the trail's topic (implemented by `AgentContainment`). */
export interface IAgentContainment {
  /** The alarm action that revokes the agent whose alarm fired. */
  readonly alarmAction: cloudwatch.IAlarmAction;
  /** Lets the containment act on this agent's role. */
  allowContainmentOf(agent: IAgentIdentity): void;
}

/**
 * Anomaly detection on the audit trail's log group (`AgentAuditTrail` `anomalyDetection`).
 *
 * - `perAgent()`: per agent, a CloudWatch anomaly-detection alarm on its API call volume and one on
 *   its denied calls (metric filters with the role name as the `RoleName` dimension, shared by up to
 *   seven or eight agents each, so the 100-filters-per-log-group limit is not spent per agent), plus a
 *   "new service" alarm (one filter per agent). Per agent: 3 custom metrics, 2 anomaly alarms and 1
 *   static alarm, and about 1.27 metric filters.
 * - `fleet()`: for large fleets, one anomaly alarm on the call volume of all the trail's agents and
 *   one on their denied calls; per agent it adds only 1/8 of a metric filter.
 */
export class AgentAnomalyDetection {
  /** One alarm set per agent. */
  public static perAgent(options: AgentAnomalyDetectionOptions = {}): AgentAnomalyDetection {
    return new AgentAnomalyDetection('per-agent', options);
  }

  /** One alarm set for the whole fleet the trail records. */
  public static fleet(options: AgentAnomalyDetectionOptions = {}): AgentAnomalyDetection {
    return new AgentAnomalyDetection('fleet', options);
  }

  private constructor(
    /** `per-agent` or `fleet`. */
    public readonly mode: string,
    /** The options. */
    public readonly options: AgentAnomalyDetectionOptions,
  ) {}
}

/** What the anomaly alarms need from the audit trail (implemented by `AgentAuditTrail`). */
export interface IAnomalyDetectionHost extends IConstruct {
  /** The trail's metric namespace. */
  readonly metricNamespace: string;
  /** The trail's log group. */
  readonly logGroup: logs.ILogGroup;
  /** Adds a metric filter on the log group (counted against the 100-per-log-group limit). */
  addAnomalyMetricFilter(
    id: string,
    pattern: string,
    metricName: string,
    dimensions?: Record<string, string>,
  ): logs.CfnMetricFilter;
  /** The alarm action that notifies the trail's alarm topic. */
  readonly alarmTopicAction: cloudwatch.IAlarmAction;
  /** The trail's metric of denied calls by all its agents (no dimension). */
  readonly accessDeniedMetricName: string;
}

/** Metric names of the anomaly alarms. */
export class AnomalyMetrics {
  /** Calls by an agent (per agent: dimension `RoleName`). */
  public static readonly CALLS = 'AgentApiCalls';
  /** Denied calls by an agent (per agent: dimension `RoleName`). */
  public static readonly DENIED = 'AgentDeniedCalls';
  /** Calls to a service the agent was not granted (dimension `RoleName`). */
  public static readonly NEW_SERVICE = 'AgentNewServiceCalls';
  /** The dimension holding the agent's role name. */
  public static readonly ROLE_DIMENSION = 'RoleName';

  private constructor() {}
}

const SESSION_ISSUER = 'userIdentity.sessionContext.sessionIssuer.userName';
const MAX_PATTERN = 1024;
const ROLE_NAME_MAX = 64;

/**
 * The alarms and metric filters of one trail's anomaly detection. Created by `AgentAuditTrail`;
 * agents are added as the trail records them.
 */
export class AgentAnomalyAlarms extends Construct {
  private readonly alarms = new Map<string, cloudwatch.Alarm[]>();
  private readonly callGroups: string[][] = [];
  private readonly deniedGroups: string[][] = [];
  private readonly settings: Required<Omit<AgentAnomalyDetectionOptions, 'containment'>>;

  constructor(
    private readonly host: IAnomalyDetectionHost,
    id: string,
    private readonly detection: AgentAnomalyDetection,
  ) {
    super(host, id);
    const o = detection.options ?? {};
    this.settings = {
      standardDeviations: o.standardDeviations ?? 2,
      period: o.period ?? Duration.minutes(5),
      evaluationPeriods: o.evaluationPeriods ?? 3,
      datapointsToAlarm: o.datapointsToAlarm ?? 2,
      newServiceDetection: o.newServiceDetection ?? true,
    };
    const s = this.settings;
    if (!(s.standardDeviations > 0 && s.standardDeviations <= 10)) {
      failAt(
        this,
        `standardDeviations ${show(s.standardDeviations)} must be above 0 and at most 10 (default 2)`,
      );
    }
    const seconds = s.period.toSeconds();
    if (![60, 300, 900, 3600, 21600, 86400].includes(seconds)) {
      failAt(this, `period ${s.period.toHumanString()} must be 1, 5 or 15 minutes, 1 or 6 hours, or 1 day`);
    }
    if (
      !Number.isInteger(s.evaluationPeriods) ||
      s.evaluationPeriods < 1 ||
      s.evaluationPeriods * seconds > 86400
    ) {
      failAt(
        this,
        `evaluationPeriods ${show(s.evaluationPeriods)} must be a whole number >= 1 spanning at most one day`,
      );
    }
    if (
      !Number.isInteger(s.datapointsToAlarm) ||
      s.datapointsToAlarm < 1 ||
      s.datapointsToAlarm > s.evaluationPeriods
    ) {
      failAt(
        this,
        `datapointsToAlarm ${show(s.datapointsToAlarm)} must be from 1 to evaluationPeriods (${s.evaluationPeriods})`,
      );
    }
    if (detection.mode === 'fleet') {
      // The denied calls of the whole fleet are already counted by the trail's own filters.
      this.alarms.set('*', [
        this.anomalyAlarm(
          'FleetCalls',
          AnomalyMetrics.CALLS,
          undefined,
          'API call volume of the agents recorded by this trail',
        ),
        this.anomalyAlarm(
          'FleetDenied',
          host.accessDeniedMetricName,
          undefined,
          'denied calls of the agents recorded by this trail',
        ),
      ]);
    }
  }

  /** The alarms of one agent (by agent name), or with `*` the fleet alarms; empty when none. */
  public alarmsOf(agentName: string): cloudwatch.Alarm[] {
    return [...(this.alarms.get(agentName) ?? [])];
  }

  /** Starts watching `agent`. */
  public watch(agent: IAgentIdentity): void {
    const perAgent = this.detection.mode === 'per-agent';
    const dimensions = perAgent ? { [AnomalyMetrics.ROLE_DIMENSION]: `$.${SESSION_ISSUER}` } : undefined;
    this.addToGroup(this.callGroups, agent.roleName, 'Calls', callsPattern, AnomalyMetrics.CALLS, dimensions);
    if (!perAgent) return;
    this.addToGroup(
      this.deniedGroups,
      agent.roleName,
      'Denied',
      deniedPattern,
      AnomalyMetrics.DENIED,
      dimensions,
    );

    const id = Names.uniqueId(agent).slice(-200);
    const alarms = [
      this.anomalyAlarm(
        `${id}Calls`,
        AnomalyMetrics.CALLS,
        agent,
        `API call volume of agent ${agent.agentName}`,
      ),
      this.anomalyAlarm(
        `${id}Denied`,
        AnomalyMetrics.DENIED,
        agent,
        `denied calls of agent ${agent.agentName}`,
      ),
    ];
    if (this.settings.newServiceDetection) {
      const pattern = Lazy.string({
        produce: () => newServicePattern(agent.roleName, grantedServiceNamespaces(agent.role)),
      });
      this.host.addAnomalyMetricFilter(
        `${id}NewServiceFilter`,
        pattern,
        AnomalyMetrics.NEW_SERVICE,
        dimensions,
      );
      this.node.addValidation({
        validate: () => {
          if (grantedServiceNamespaces(agent.role).includes('*')) {
            return [
              `agent ${agent.agentName} is allowed every action (Allow * or NotAction), so no service is new to it: ` +
                'grant exact actions, or set newServiceDetection: false',
            ];
          }
          const resolved = Stack.of(this).resolve(pattern);
          return typeof resolved === 'string' && resolved.length > MAX_PATTERN
            ? [
                `the new-service filter of agent ${agent.agentName} is ${resolved.length} characters (CloudWatch Logs allows ${MAX_PATTERN}): ` +
                  'its role is granted too many services to list; set newServiceDetection: false',
              ]
            : [];
        },
      });
      const alarm = new cloudwatch.Alarm(this, `${id}NewService`, {
        metric: this.metric(AnomalyMetrics.NEW_SERVICE, agent),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `Agent ${agent.agentName} called a service it was not granted (first use of a new service).`,
      });
      this.connect(alarm);
      alarms.push(alarm);
    }
    this.alarms.set(agent.agentName, alarms);
    this.detection.options.containment?.allowContainmentOf(agent);
  }

  private metric(metricName: string, agent?: IAgentIdentity): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.host.metricNamespace,
      metricName,
      dimensionsMap: agent ? { [AnomalyMetrics.ROLE_DIMENSION]: agent.roleName } : undefined,
      statistic: cloudwatch.Stats.SUM,
      period: this.settings.period,
    });
  }

  private anomalyAlarm(
    id: string,
    metricName: string,
    agent: IAgentIdentity | undefined,
    what: string,
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.AnomalyDetectionAlarm(this, id, {
      metric: this.metric(metricName, agent),
      stdDevs: this.settings.standardDeviations,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
      evaluationPeriods: this.settings.evaluationPeriods,
      datapointsToAlarm: this.settings.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        `The ${what} rose above its anomaly band (${this.settings.standardDeviations} standard deviations of its history). ` +
        `Source: agent audit trail ${this.host.node.path}.`,
    });
    this.connect(alarm);
    return alarm;
  }

  private connect(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(this.host.alarmTopicAction);
    const containment = this.detection.options.containment;
    if (containment && this.detection.mode === 'per-agent') alarm.addAlarmAction(containment.alarmAction);
  }

  private addToGroup(
    groups: string[][],
    roleName: string,
    idPrefix: string,
    build: (roleNames: readonly string[]) => string,
    metricName: string,
    dimensions?: Record<string, string>,
  ): void {
    const capacity = namesPerPattern(build);
    let group = groups[groups.length - 1];
    if (!group || group.length >= capacity) {
      group = [];
      groups.push(group);
      const members = group;
      this.host.addAnomalyMetricFilter(
        `Anomaly${idPrefix}Filter${groups.length}`,
        Lazy.string({ produce: () => build(members) }),
        metricName,
        dimensions,
      );
    }
    group.push(roleName);
  }
}

const anyOf = (terms: readonly string[]): string => `(${terms.join(' || ')})`;
const eq = (field: string, value: string): string => `($.${field} = "${value}")`;
const ne = (field: string, value: string): string => `($.${field} != "${value}")`;

/** Every recorded call made by sessions of the named roles. */
export function callsPattern(roleNames: readonly string[]): string {
  return `{ ${anyOf(roleNames.map((n) => eq(SESSION_ISSUER, n)))} }`;
}

/** Denied calls made by sessions of the named roles. */
export function deniedPattern(roleNames: readonly string[]): string {
  const denied = anyOf([eq('errorCode', '*UnauthorizedOperation'), eq('errorCode', 'AccessDenied*')]);
  return `{ ${denied} && ${anyOf(roleNames.map((n) => eq(SESSION_ISSUER, n)))} }`;
}

/**
 * Calls by sessions of `roleName` to a service none of whose namespaces the role was granted. The
 * event source of a service is `<namespace>.amazonaws.com` (IAM namespaces and CloudTrail event
 * sources agree for the data and AI services agents use).
 */
export function newServicePattern(roleName: string, namespaces: readonly string[]): string {
  const known = [...new Set(namespaces)].sort().map((ns) => ne('eventSource', `${ns}.amazonaws.com`));
  return `{ ${[eq(SESSION_ISSUER, roleName), ...known].join(' && ')} }`;
}

function namesPerPattern(build: (roleNames: readonly string[]) => string): number {
  const longest = 'x'.repeat(ROLE_NAME_MAX);
  let n = 0;
  while (build(Array(n + 1).fill(longest)).length <= MAX_PATTERN) n++;
  return n;
}
