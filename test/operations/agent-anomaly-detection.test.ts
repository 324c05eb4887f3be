import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AgentAnomalyDetection,
  AgentAuditTrail,
  AgentIdentity,
  AgentRuntime,
  BedrockModel,
  DataAccess,
  DataClassification,
  DataStore,
  DataTags,
} from '../../lib';
import { callsPattern, deniedPattern, newServicePattern } from '../../lib/operations/agent-anomaly-detection';
import { TemplateResolver } from '../helpers/resolve';
import { newStack } from '../helpers/stacks';
import { matchesFilterPattern } from '../audit/filter-pattern-eval';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function build(detection: AgentAnomalyDetection | undefined, agents = 2) {
  const { stack } = newStack();
  const trail = new AgentAuditTrail(stack, 'Audit', {
    retention: Duration.days(400),
    anomalyDetection: detection,
  });
  const bucket = new s3.Bucket(stack, 'Inbox', { enforceSSL: true });
  DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
  for (let i = 0; i < agents; i++) {
    const agent = new AgentIdentity(stack, `Agent${i}`, {
      agentName: `agent-${i}`,
      roleName: `agent-role-${i}`,
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
      auditTrail: trail,
    });
    // granted after it was recorded: still counts as a known service
    agent.grantData(DataStore.s3Bucket(bucket), DataAccess.READ);
    agent.grantModels([BedrockModel.foundationModel('anthropic.claude-3-5-haiku-20241022-v1:0')]);
  }
  const template = Template.fromStack(stack);
  const json = template.toJSON();
  const r = new TemplateResolver(json);
  const filters = Object.values<Json>(json.Resources)
    .filter((x) => x.Type === 'AWS::Logs::MetricFilter')
    .map((x) => ({
      pattern: r.resolve(x.Properties.FilterPattern) as string,
      t: x.Properties.MetricTransformations[0],
    }));
  const alarms = Object.values<Json>(json.Resources)
    .filter((x) => x.Type === 'AWS::CloudWatch::Alarm')
    .map((x) => ({ ...x, Properties: r.resolve(x.Properties) }));
  return { template, json, filters, alarms, trail };
}

const call = (role: string, eventSource: string, errorCode?: string) => ({
  eventSource,
  eventName: 'Any',
  ...(errorCode ? { errorCode } : {}),
  userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { userName: role } } },
});

describe('AgentAuditTrail anomalyDetection: per agent', () => {
  const { filters, alarms } = build(AgentAnomalyDetection.perAgent());

  test('each agent gets two anomaly alarms (2 standard deviations, 2 of 3 five-minute periods) and a new-service alarm', () => {
    for (const role of ['agent-role-0', 'agent-role-1']) {
      const mine = alarms.filter((a) => JSON.stringify(a.Properties).includes(`"Value":"${role}"`));
      const anomaly = mine.filter((a) => a.Properties.ThresholdMetricId !== undefined);
      expect(anomaly).toHaveLength(2);
      for (const a of anomaly) {
        expect(a.Properties).toMatchObject({
          ComparisonOperator: 'GreaterThanUpperThreshold',
          EvaluationPeriods: 3,
          DatapointsToAlarm: 2,
          TreatMissingData: 'notBreaching',
        });
        const band = a.Properties.Metrics.find((m: Json) => m.Expression);
        expect(band.Expression).toMatch(/^ANOMALY_DETECTION_BAND\(m\d+, 2\)$/);
        const stat = a.Properties.Metrics.find((m: Json) => m.MetricStat).MetricStat;
        expect(stat.Period).toBe(300);
        expect(stat.Metric.Dimensions).toEqual([{ Name: 'RoleName', Value: role }]);
      }
      const newService = mine.filter((a) => a.Properties.MetricName === 'AgentNewServiceCalls');
      expect(newService).toHaveLength(1);
      expect(newService[0].Properties.Threshold).toBe(1);
    }
  });

  test('the call and denied filters are shared by the agents and emit the role name as a dimension', () => {
    const calls = filters.filter((f) => f.t.MetricName === 'AgentApiCalls');
    const denied = filters.filter((f) => f.t.MetricName === 'AgentDeniedCalls');
    expect(calls).toHaveLength(1);
    expect(denied).toHaveLength(1);
    for (const f of [...calls, ...denied]) {
      expect(f.t.Dimensions).toEqual([
        { Key: 'RoleName', Value: '$.userIdentity.sessionContext.sessionIssuer.userName' },
      ]);
    }
    expect(matchesFilterPattern(calls[0].pattern, call('agent-role-1', 's3.amazonaws.com'))).toBe(true);
    expect(matchesFilterPattern(calls[0].pattern, call('someone-else', 's3.amazonaws.com'))).toBe(false);
    expect(
      matchesFilterPattern(denied[0].pattern, call('agent-role-0', 's3.amazonaws.com', 'AccessDenied')),
    ).toBe(true);
    expect(matchesFilterPattern(denied[0].pattern, call('agent-role-0', 's3.amazonaws.com'))).toBe(false);
  });

  test('the new-service filter knows the granted services (also those granted after recording) and nothing else', () => {
    const mine = filters.find(
      (f) => f.t.MetricName === 'AgentNewServiceCalls' && f.pattern.includes('"agent-role-0"'),
    )!;
    expect(matchesFilterPattern(mine.pattern, call('agent-role-0', 's3.amazonaws.com'))).toBe(false);
    expect(matchesFilterPattern(mine.pattern, call('agent-role-0', 'bedrock.amazonaws.com'))).toBe(false);
    expect(matchesFilterPattern(mine.pattern, call('agent-role-0', 'iam.amazonaws.com'))).toBe(true);
    expect(matchesFilterPattern(mine.pattern, call('agent-role-0', 'ec2.amazonaws.com'))).toBe(true);
    expect(matchesFilterPattern(mine.pattern, call('agent-role-1', 'ec2.amazonaws.com'))).toBe(false);
  });
});

test("alarmsOf names each agent's alarms, and the fleet alarms under *", () => {
  expect(build(AgentAnomalyDetection.perAgent()).trail.anomalyAlarms!.alarmsOf('agent-0')).toHaveLength(3);
  expect(build(AgentAnomalyDetection.fleet()).trail.anomalyAlarms!.alarmsOf('*')).toHaveLength(2);
  expect(build(AgentAnomalyDetection.fleet()).trail.anomalyAlarms!.alarmsOf('agent-0')).toEqual([]);
});

describe('fleet mode', () => {
  test('one alarm set for all agents, no per-agent alarm, no dimension', () => {
    const { filters, alarms } = build(AgentAnomalyDetection.fleet(), 3);
    const anomaly = alarms.filter((a) => a.Properties.ThresholdMetricId !== undefined);
    expect(anomaly).toHaveLength(2);
    expect(alarms.filter((a) => a.Properties.MetricName === 'AgentNewServiceCalls')).toHaveLength(0);
    expect(anomaly.some((a) => JSON.stringify(a.Properties).includes('"AgentAccessDenied"'))).toBe(true);
    for (const f of filters.filter((x) => x.t.MetricName.startsWith('Agent') && x.t.Dimensions)) {
      throw new Error(`unexpected dimension on ${f.t.MetricName}`);
    }
  });
});

test('off by default: no anomaly alarm', () => {
  const { alarms } = build(undefined);
  expect(alarms.filter((a) => a.Properties.ThresholdMetricId !== undefined)).toHaveLength(0);
});

test('options are validated with the construct path', () => {
  expect(() => build(AgentAnomalyDetection.perAgent({ standardDeviations: 0 }))).toThrow(
    /Audit\/AnomalyDetection: standardDeviations 0/,
  );
  expect(() => build(AgentAnomalyDetection.perAgent({ period: Duration.minutes(7) }))).toThrow(
    /period 7 minutes/,
  );
  expect(() => build(AgentAnomalyDetection.perAgent({ evaluationPeriods: 3, datapointsToAlarm: 4 }))).toThrow(
    /datapointsToAlarm 4/,
  );
});

test('cost grows linearly and stays within 100 metric filters per log group at 60 agents (per agent) and beyond (fleet)', () => {
  const none = build(undefined, 60).filters.length;
  // per-agent mode: one new-service filter per agent plus shared call (8 agents each) and denied (7 each) filters
  const perAgent = build(AgentAnomalyDetection.perAgent(), 60);
  expect(perAgent.filters.length - none).toBe(60 + Math.ceil(60 / 8) + Math.ceil(60 / 7));
  expect(perAgent.filters.length).toBeLessThanOrEqual(100);
  expect(perAgent.alarms.filter((a) => a.Properties.ThresholdMetricId !== undefined)).toHaveLength(120);
  // fleet mode: only the shared call filters are added, and two alarms in all
  const fleet = build(AgentAnomalyDetection.fleet(), 60);
  expect(fleet.filters.length - none).toBe(Math.ceil(60 / 8));
  expect(fleet.alarms.filter((a) => a.Properties.ThresholdMetricId !== undefined)).toHaveLength(2);
});

test('patterns fit the 1024-character limit', () => {
  const long = Array(8).fill('x'.repeat(64));
  expect(callsPattern(long).length).toBeLessThanOrEqual(1024);
  expect(deniedPattern(long.slice(0, 7)).length).toBeLessThanOrEqual(1024);
  expect(deniedPattern(long).length).toBeGreaterThan(1024); // hence 7 role names per denied filter
  expect(newServicePattern('x'.repeat(64), ['s3', 'bedrock', 'kms', 'dynamodb']).length).toBeLessThan(400);
});
