import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity, AgentRuntime } from '../../lib';
import { AgentAuditTrail } from '../../lib/audit';
import {
  MAX_FILTER_PATTERN_LENGTH,
  accessDeniedPattern,
  roleChangePattern,
  roleNamesPerFilter,
} from '../../lib/audit/filter-patterns';
import { TemplateResolver } from '../helpers/resolve';
import { newStack } from '../helpers/stacks';
import { matchesFilterPattern } from './filter-pattern-eval';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Filter {
  id: string;
  pattern: string;
  metricName: string;
}

/** Metric filters of the template with their patterns resolved, and the alarms by metric name. */
function monitoring(stack: Stack) {
  const template = Template.fromStack(stack).toJSON();
  const r = new TemplateResolver(template);
  const filters: Filter[] = Object.entries<Json>(template.Resources)
    .filter(([, res]) => res.Type === 'AWS::Logs::MetricFilter')
    .map(([id, res]) => ({
      id,
      pattern: r.resolve(res.Properties.FilterPattern),
      metricName: res.Properties.MetricTransformations[0].MetricName,
    }));
  const alarms = Object.values<Json>(template.Resources).filter(
    (res) => res.Type === 'AWS::CloudWatch::Alarm',
  );
  return { template, r, filters, alarms };
}

const counts = (filters: Filter[], metricName: string, event: Json): boolean =>
  filters.filter((f) => f.metricName === metricName).some((f) => matchesFilterPattern(f.pattern, event));

function event(roleName: string, extra: Json): Json {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::111111111111:assumed-role/${roleName}/session`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: `arn:aws:iam::111111111111:role/${roleName}`,
          userName: roleName,
        },
      },
    },
    ...extra,
  };
}

describe('alarms on agent behaviour', () => {
  // GIVEN a trail recording two agents, and one agent it does not record
  const { stack } = newStack();
  const trail = new AgentAuditTrail(stack, 'Audit');
  const triage = new AgentIdentity(stack, 'Triage', {
    agentName: 'triage',
    runtime: AgentRuntime.lambdaFunction(),
    auditTrail: trail,
  });
  const billing = new AgentIdentity(stack, 'Billing', {
    agentName: 'billing',
    runtime: AgentRuntime.lambdaFunction(),
    auditTrail: trail,
  });
  const other = new AgentIdentity(stack, 'Other', {
    agentName: 'other',
    runtime: AgentRuntime.lambdaFunction(),
  });
  const support = new iam.Role(stack, 'SupportAccess', { assumedBy: new iam.AccountRootPrincipal() });
  const supportAlarm = trail.alarmOnRoleUse(support, 'support-access');
  const { r, filters, alarms } = monitoring(stack);
  const name = (agent: AgentIdentity) =>
    r.physicalName(stack.getLogicalId(agent.role.node.defaultChild as never));

  test.each([
    ['AccessDenied', 's3.amazonaws.com', 'GetObject'],
    ['AccessDeniedException', 'dynamodb.amazonaws.com', 'Query'],
    ['Client.UnauthorizedOperation', 'ec2.amazonaws.com', 'DescribeInstances'],
  ])('a %s for a recorded agent is counted', (errorCode, eventSource, eventName) => {
    // WHEN a recorded agent is denied
    const denied = event(name(billing), { errorCode, eventSource, eventName });
    // THEN the access-denied metric counts it
    expect(counts(filters, 'AgentAccessDenied', denied)).toBe(true);
  });

  test('successful calls and denials of roles the trail does not record are not counted', () => {
    expect(
      counts(
        filters,
        'AgentAccessDenied',
        event(name(triage), { eventSource: 's3.amazonaws.com', eventName: 'GetObject' }),
      ),
    ).toBe(false);
    expect(
      counts(
        filters,
        'AgentAccessDenied',
        event(name(other), { errorCode: 'AccessDenied', eventName: 'GetObject' }),
      ),
    ).toBe(false);
  });

  test.each([
    ['PutRolePolicy'],
    ['AttachRolePolicy'],
    ['DeleteRolePermissionsBoundary'],
    ['UpdateAssumeRolePolicy'],
    ['UntagRole'],
  ])('%s on a recorded agent role is counted as a role change', (eventName) => {
    const change = event('admin', {
      eventSource: 'iam.amazonaws.com',
      eventName,
      requestParameters: { roleName: name(triage) },
    });
    expect(counts(filters, 'AgentRoleChanges', change)).toBe(true);
  });

  test('reading an agent role or changing another role is not a role change', () => {
    const read = event('admin', {
      eventSource: 'iam.amazonaws.com',
      eventName: 'GetRole',
      requestParameters: { roleName: name(triage) },
    });
    const elsewhere = event('admin', {
      eventSource: 'iam.amazonaws.com',
      eventName: 'PutRolePolicy',
      requestParameters: { roleName: name(other) },
    });
    expect(counts(filters, 'AgentRoleChanges', read)).toBe(false);
    expect(counts(filters, 'AgentRoleChanges', elsewhere)).toBe(false);
  });

  test.each([['StopLogging'], ['DeleteTrail'], ['UpdateTrail'], ['PutEventSelectors']])(
    '%s on any trail is counted as tampering',
    (eventName) => {
      const tamper = event('admin', {
        eventSource: 'cloudtrail.amazonaws.com',
        eventName,
        requestParameters: { name: 'any-trail' },
      });
      expect(counts(filters, 'TrailTampering', tamper)).toBe(true);
    },
  );

  test('reading trail status is not tampering', () => {
    expect(
      counts(
        filters,
        'TrailTampering',
        event('admin', { eventSource: 'cloudtrail.amazonaws.com', eventName: 'GetTrailStatus' }),
      ),
    ).toBe(false);
  });

  test('a session of the watched support role is counted, a session of another role is not', () => {
    const supportArn = r.arn(stack.getLogicalId(support.node.defaultChild as never));
    const assume = (roleArn: string) =>
      event('operator', {
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        requestParameters: { roleArn, roleSessionName: 'x' },
      });
    expect(counts(filters, 'RoleUse-support-access', assume(supportArn))).toBe(true);
    expect(counts(filters, 'RoleUse-support-access', assume('arn:aws:iam::111111111111:role/other'))).toBe(
      false,
    );
  });

  test('one alarm per concern, each on its metric, threshold 1 in 5 minutes, missing data is not breaching', () => {
    expect(alarms.map((a) => a.Properties.MetricName).sort()).toEqual(
      [
        'AgentAccessDenied',
        'AgentRevocations',
        'AgentRoleChanges',
        'RoleUse-support-access',
        'TrailTampering',
      ].sort(),
    );
    for (const alarm of alarms) {
      expect(alarm.Properties).toEqual(
        expect.objectContaining({
          Threshold: 1,
          Period: 300,
          EvaluationPeriods: 1,
          Statistic: 'Sum',
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        }),
      );
    }
    expect(supportAlarm).toBeDefined();
  });

  test('alarmOnRoleUse validates its name', () => {
    expect(() => trail.alarmOnRoleUse(support, 'support access')).toThrow(
      /alarmOnRoleUse name "support access" must be 1-48 letters, digits or dashes/,
    );
    expect(() => trail.alarmOnRoleUse(support, 'support-access')).toThrow(
      /alarmOnRoleUse name "support-access" is already used on this trail/,
    );
  });
});

describe('metric filter limits', () => {
  test('patterns stay within 1024 characters even for 64-character role names', () => {
    for (const build of [accessDeniedPattern, roleChangePattern]) {
      const n = roleNamesPerFilter(build);
      expect(n).toBeGreaterThan(0);
      expect(build(Array(n).fill('x'.repeat(64))).length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
      expect(build(Array(n + 1).fill('x'.repeat(64))).length).toBeGreaterThan(MAX_FILTER_PATTERN_LENGTH);
    }
  });

  test('more agents than fit in one filter are spread over several filters on the same metric, and all are watched', () => {
    // GIVEN more agents than one access-denied filter holds
    const perFilter = roleNamesPerFilter(accessDeniedPattern);
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    const agents = Array.from(
      { length: perFilter + 1 },
      (_, i) =>
        new AgentIdentity(stack, `Agent${i}`, {
          agentName: `agent-${i}`,
          runtime: AgentRuntime.lambdaFunction(),
          auditTrail: trail,
        }),
    );
    // WHEN synthesized
    const { r, filters } = monitoring(stack);
    // THEN two filters feed the one metric, and the last agent's denials are still counted
    expect(filters.filter((f) => f.metricName === 'AgentAccessDenied')).toHaveLength(2);
    const last = r.physicalName(stack.getLogicalId(agents[perFilter].role.node.defaultChild as never));
    expect(counts(filters, 'AgentAccessDenied', event(last, { errorCode: 'AccessDenied' }))).toBe(true);
  });

  test('more than 100 metric filters on the log group is a synth error with a remedy', () => {
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    const role = new iam.Role(stack, 'Watched', { assumedBy: new iam.AccountRootPrincipal() });
    // 1 tampering filter + 1 revocation filter + 100 watched roles = 102
    for (let i = 0; i < 100; i++) trail.alarmOnRoleUse(role, `watch-${i}`);
    expect(() => Template.fromStack(stack)).toThrow(
      /needs 102 metric filters on its log group; CloudWatch Logs allows at most 100\. Split the agents/,
    );
  });
});
