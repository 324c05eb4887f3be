import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AgentAuditTrail } from '../../lib/audit';
import { AgentRevocation } from '../../lib/operations/agent-revocation';
import { planRevocation } from '../../lib/operations/revoke-agents';
import { newStack } from '../helpers/stacks';
import { matchesFilterPattern } from './filter-pattern-eval';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The CloudTrail record IAM writes for one revocation call (requestParameters as CloudTrail spells them). */
function record(call: { action: string; parameters: Record<string, Json> }): Json {
  const p = call.parameters;
  const lower = (tags: { Key: string; Value: string }[]) => tags.map((t) => ({ key: t.Key, value: t.Value }));
  return {
    eventSource: 'iam.amazonaws.com',
    eventName: call.action.replace('iam:', ''),
    requestParameters: {
      roleName: p.RoleName,
      ...(p.PolicyName ? { policyName: p.PolicyName } : {}),
      ...(p.Tags ? { tags: lower(p.Tags) } : {}),
      ...(p.TagKeys ? { tagKeys: p.TagKeys } : {}),
    },
  };
}

describe('the audit trail alarms on every revocation and undo', () => {
  const { stack } = newStack();
  new AgentAuditTrail(stack, 'Audit', { retention: Duration.days(400) });
  const template = Template.fromStack(stack).toJSON();
  const filter = Object.values<Json>(template.Resources).find(
    (r) =>
      r.Type === 'AWS::Logs::MetricFilter' &&
      r.Properties.MetricTransformations[0].MetricName === 'AgentRevocations',
  );
  const pattern: string = filter.Properties.FilterPattern;
  const target = [{ agentName: 'triage', roleName: 'Stack-TriageRole-ABC', source: 'report' as const }];
  const revokedAt = new Date('2026-12-01T22:45:00Z');

  test('an alarm on the metric notifies the alarm topic', () => {
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AgentRevocations',
      Threshold: 1,
      AlarmActions: [
        {
          Ref: Object.keys(template.Resources).find((k) => template.Resources[k].Type === 'AWS::SNS::Topic'),
        },
      ],
    });
  });

  test.each([false, true])('every call of the CLI (undo: %s) is counted', (undo) => {
    for (const call of planRevocation(target, { undo, reason: 'x', revokedAt })) {
      expect([call.action, matchesFilterPattern(pattern, record(call))]).toEqual([call.action, true]);
    }
  });

  test('ordinary role changes are not counted as revocations', () => {
    const others = [
      { action: 'iam:PutRolePolicy', parameters: { RoleName: 'r', PolicyName: 'AgentAccess' } },
      { action: 'iam:DeleteRolePolicy', parameters: { RoleName: 'r', PolicyName: 'AWSRevokeOlderSessions' } },
      { action: 'iam:TagRole', parameters: { RoleName: 'r', Tags: [{ Key: 'ai:owner', Value: 'x' }] } },
      { action: 'iam:UntagRole', parameters: { RoleName: 'r', TagKeys: ['cost-center'] } },
    ];
    for (const call of others) expect(matchesFilterPattern(pattern, record(call))).toBe(false);
    expect(AgentRevocation.POLICY_NAME).not.toBe('AWSRevokeOlderSessions');
  });
});
