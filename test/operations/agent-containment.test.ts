import { IAMClient, PutRolePolicyCommand, TagRoleCommand } from '@aws-sdk/client-iam';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AgentAnomalyDetection,
  AgentAuditTrail,
  AgentContainment,
  AgentIdentity,
  AgentRuntime,
} from '../../lib';
import { AgentRevocation } from '../../lib/operations/agent-revocation';
import { TemplateResolver } from '../helpers/resolve';
import { newStack } from '../helpers/stacks';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const handlerModule = require('../../lib/operations/handlers/auto-revoke/index.js');
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const iam = mockClient(IAMClient);
beforeEach(() => iam.reset());
const NOW = new Date('2026-12-01T23:00:00.400Z');

function alarmEvent(state: string, dimensions: Record<string, string> | undefined): Json {
  return {
    source: 'aws.cloudwatch',
    alarmArn: 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:agent-a-calls',
    alarmData: {
      alarmName: 'agent-a-calls',
      state: { value: state, reason: 'Thresholds Crossed' },
      configuration: {
        metrics: [
          { id: 'expr_1', expression: 'ANOMALY_DETECTION_BAND(m0, 2)' },
          { id: 'm0', metricStat: { metric: { namespace: 'ns', name: 'AgentApiCalls', dimensions } } },
        ],
      },
    },
  };
}

describe('automatic containment handler (plain JS, mocked SDK)', () => {
  const handler = handlerModule.makeHandler(new IAMClient({ region: 'us-east-1' }), () => NOW);

  test('an alarm in ALARM revokes the agent named by its RoleName dimension, like the CLI does', async () => {
    iam.on(PutRolePolicyCommand).resolves({});
    iam.on(TagRoleCommand).resolves({});
    const result = await handler(alarmEvent('ALARM', { RoleName: 'agent-role-a' }));
    expect(result).toEqual({ revoked: ['agent-role-a'] });
    const put = iam.commandCalls(PutRolePolicyCommand)[0].args[0].input;
    expect(put).toMatchObject({ RoleName: 'agent-role-a', PolicyName: AgentRevocation.POLICY_NAME });
    expect(JSON.parse(put.PolicyDocument!)).toEqual(AgentRevocation.policyDocument(NOW));
    expect(iam.commandCalls(TagRoleCommand)[0].args[0].input.Tags).toEqual([
      { Key: 'ai:revoked', Value: AgentRevocation.timestamp(NOW) },
      { Key: 'ai:revoked-reason', Value: 'automatic containment: alarm agent-a-calls' },
    ]);
  });

  test('the handler builds the very document the library builds', () => {
    expect(handlerModule.policyDocument(NOW)).toEqual(AgentRevocation.policyDocument(NOW));
  });

  test('OK and INSUFFICIENT_DATA transitions revoke nothing', async () => {
    for (const state of ['OK', 'INSUFFICIENT_DATA']) {
      expect((await handler(alarmEvent(state, { RoleName: 'agent-role-a' }))).revoked).toEqual([]);
    }
    expect(iam.calls()).toHaveLength(0);
  });

  test('an alarm without an agent dimension fails loudly and writes nothing', async () => {
    await expect(handler(alarmEvent('ALARM', undefined))).rejects.toThrow(
      /names no RoleName dimension; nothing was revoked/,
    );
    expect(iam.calls()).toHaveLength(0);
  });

  test('a failed write throws (Lambda retries) and never reports success', async () => {
    iam
      .on(PutRolePolicyCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    await expect(handler(alarmEvent('ALARM', { RoleName: 'agent-role-a' }))).rejects.toThrow(
      /revocation incomplete: agent-role-a \(AccessDenied: not authorized\)/,
    );
    expect(iam.commandCalls(TagRoleCommand)).toHaveLength(0);
  });
});

describe('AgentContainment construct', () => {
  function build() {
    const { stack } = newStack();
    const containment = new AgentContainment(stack, 'Containment');
    const trail = new AgentAuditTrail(stack, 'Audit', {
      retention: Duration.days(400),
      anomalyDetection: AgentAnomalyDetection.perAgent({ containment }),
    });
    for (const name of ['a', 'b']) {
      new AgentIdentity(stack, `Agent-${name}`, {
        agentName: name,
        runtime: AgentRuntime.lambdaFunction(),
        auditTrail: trail,
      });
    }
    const template = Template.fromStack(stack);
    return { template, r: new TemplateResolver(template.toJSON()), json: template.toJSON() };
  }

  test('every per-agent alarm invokes the function as well as the topic', () => {
    const { json } = build();
    const fn = Object.keys(json.Resources).find((k) => json.Resources[k].Type === 'AWS::Lambda::Function')!;
    const alarms = Object.values<Json>(json.Resources).filter(
      (x) => x.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(x.Properties).includes('RoleName'),
    );
    expect(alarms).toHaveLength(6);
    for (const a of alarms) expect(JSON.stringify(a.Properties.AlarmActions)).toContain(`"${fn}"`);
  });

  test("the function may only put the revocation on the watched agents' roles, and cannot undo it", () => {
    const { json, r } = build();
    const policy = Object.values<Json>(json.Resources).find(
      (x) =>
        x.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(x.Properties).includes('iam:PutRolePolicy'),
    );
    const doc = r.resolve(policy.Properties.PolicyDocument);
    const actions = doc.Statement.flatMap((s: Json) => [s.Action].flat());
    expect(actions.sort()).toEqual([
      'iam:PutRolePolicy',
      'iam:TagRole',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    const put = doc.Statement.find((s: Json) => s.Sid === 'WriteRevocationPolicy');
    expect(put.Resource).toHaveLength(2);
    for (const arn of put.Resource) expect(arn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    const tag = doc.Statement.find((s: Json) => s.Sid === 'WriteRevocationTags');
    expect(tag.Condition).toEqual({
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['ai:revoked', 'ai:revoked-reason'] },
    });
  });

  test('ships the plain-JS handler, no bundling', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: Match.stringLikeRegexp('^nodejs'),
    });
  });

  test('a containment that watches no agent is a synth error', () => {
    const { stack } = newStack();
    new AgentContainment(stack, 'Containment');
    expect(() => Template.fromStack(stack)).toThrow(/AgentContainment watches no agent/);
  });
});
