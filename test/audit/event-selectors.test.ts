import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AgentIdentity, AgentRuntime } from '../../lib';
import { AgentAuditTrail } from '../../lib/audit';
import { TemplateResolver } from '../helpers/resolve';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function agentOn(stack: Stack, trail: AgentAuditTrail | undefined, name: string): AgentIdentity {
  return new AgentIdentity(stack, name, {
    agentName: name,
    runtime: AgentRuntime.lambdaFunction(),
    auditTrail: trail,
  });
}

function grant(agent: AgentIdentity, resourceType: string, arn: string): void {
  agent.recordEntitlement({
    kind: 'data',
    description: `READ ${arn}`,
    auditedResources: [{ resourceType, arn }],
  });
}

/** The trail's advanced event selectors with every intrinsic resolved. */
function selectors(stack: Stack): Json[] {
  const template = Template.fromStack(stack).toJSON();
  const trail = Object.values<Json>(template.Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail');
  return new TemplateResolver(template).resolve(trail.Properties.AdvancedEventSelectors);
}

const roleName = (stack: Stack, agent: AgentIdentity) =>
  stack.getLogicalId(agent.role.node.defaultChild as never);

describe('per-agent data event selectors', () => {
  test('grants made after the agent is attached are recorded (entitlements are read at synth)', () => {
    // GIVEN an agent attached to the trail before it is granted anything
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    const agent = agentOn(stack, trail, 'email-triage');
    // WHEN it is granted an S3 prefix afterwards
    grant(agent, 'AWS::S3::Object', 'arn:aws:s3:::inbox/support/');
    // THEN the trail records data events on exactly that prefix, made by that agent's sessions
    expect(selectors(stack)).toEqual([
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      {
        Name: 'Agent data events on AWS::S3::Object',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::inbox/support/'] },
          {
            Field: 'userIdentity.arn',
            StartsWith: [`arn:aws:sts::111111111111:assumed-role/${roleName(stack, agent)}/`],
          },
        ],
      },
    ]);
    expect(trail.recordedAgents).toEqual([agent]);
  });

  test('groups resources per type, across agents, and sorts types', () => {
    // GIVEN two agents with resources of two types
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    const a = agentOn(stack, trail, 'agent-a');
    const b = agentOn(stack, trail, 'agent-b');
    grant(a, 'AWS::S3::Object', 'arn:aws:s3:::inbox/a/');
    grant(b, 'AWS::S3::Object', 'arn:aws:s3:::inbox/b/');
    grant(b, 'AWS::DynamoDB::Table', 'arn:aws:dynamodb:us-east-1:111111111111:table/orders');
    // WHEN synthesized
    const [, dynamo, s3] = selectors(stack);
    // THEN one selector per type, each naming only the agents that hold such resources
    expect(dynamo.Name).toBe('Agent data events on AWS::DynamoDB::Table');
    expect(dynamo.FieldSelectors[3].StartsWith).toEqual([
      `arn:aws:sts::111111111111:assumed-role/${roleName(stack, b)}/`,
    ]);
    expect(s3.FieldSelectors[2].StartsWith).toEqual(['arn:aws:s3:::inbox/a/', 'arn:aws:s3:::inbox/b/']);
    expect(s3.FieldSelectors[3].StartsWith).toHaveLength(2);
  });

  test('ARNs covered by a shorter granted prefix are not repeated', () => {
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    const a = agentOn(stack, trail, 'agent-a');
    grant(a, 'AWS::S3::Object', 'arn:aws:s3:::inbox/support/urgent/');
    grant(a, 'AWS::S3::Object', 'arn:aws:s3:::inbox/support/');
    grant(a, 'AWS::S3::Object', 'arn:aws:s3:::inbox/support/');
    expect(selectors(stack)[1].FieldSelectors[2].StartsWith).toEqual(['arn:aws:s3:::inbox/support/']);
  });

  test('token ARNs and role names render as intrinsics', () => {
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    const a = agentOn(stack, trail, 'agent-a');
    const table = new dynamodb.Table(stack, 'Orders', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    grant(a, 'AWS::DynamoDB::Table', table.tableArn);
    const raw = Template.fromStack(stack).toJSON();
    const cfnTrail = Object.values<Json>(raw.Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail');
    const [arnField, userField] = cfnTrail.Properties.AdvancedEventSelectors[1].FieldSelectors.slice(2);
    expect(arnField.StartsWith).toEqual([
      { 'Fn::GetAtt': [stack.getLogicalId(table.node.defaultChild as never), 'Arn'] },
    ]);
    expect(JSON.stringify(userField.StartsWith)).toContain(`{"Ref":"${roleName(stack, a)}"}`);
  });

  test('recording the same agent twice adds nothing; an agent not attached is not recorded', () => {
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    const a = agentOn(stack, trail, 'agent-a');
    const loose = agentOn(stack, undefined, 'agent-loose');
    trail.recordAgent(a);
    grant(a, 'AWS::S3::Object', 'arn:aws:s3:::a/');
    grant(loose, 'AWS::S3::Object', 'arn:aws:s3:::loose/');
    expect(trail.recordedAgents).toEqual([a]);
    expect(selectors(stack)[1].FieldSelectors[2].StartsWith).toEqual(['arn:aws:s3:::a/']);
  });

  test('trail.recordAgent attaches an agent created without the auditTrail prop', () => {
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    const loose = agentOn(stack, undefined, 'agent-loose');
    grant(loose, 'AWS::S3::Object', 'arn:aws:s3:::loose/');
    // WHEN attached explicitly
    trail.recordAgent(loose);
    expect(selectors(stack)[1].FieldSelectors[2].StartsWith).toEqual(['arn:aws:s3:::loose/']);
  });

  test('the agent names are written into the trail metadata for the evidence report', () => {
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    agentOn(stack, trail, 'agent-a');
    agentOn(stack, trail, 'agent-b');
    const raw = Template.fromStack(stack).toJSON();
    const cfnTrail = Object.values<Json>(raw.Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail');
    expect(cfnTrail.Metadata.AgentAuditTrail.Agents).toEqual(['agent-a', 'agent-b']);
  });
});

describe('selector limits and bad entitlements are synth errors, never silent cuts', () => {
  test('exactly 500 values synthesizes', () => {
    // GIVEN one agent with 496 prefixes of one type: 1 (management) + 2 (category, type) + 496 + 1 (session) = 500
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    const a = agentOn(stack, trail, 'agent-a');
    for (let i = 0; i < 496; i++) grant(a, 'AWS::S3::Object', `arn:aws:s3:::bucket-${i}/`);
    // THEN it synthesizes with every prefix
    expect(selectors(stack)[1].FieldSelectors[2].StartsWith).toHaveLength(496);
  });

  test('501 values fail with the count and a remedy', () => {
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    const a = agentOn(stack, trail, 'agent-a');
    for (let i = 0; i < 497; i++) grant(a, 'AWS::S3::Object', `arn:aws:s3:::bucket-${i}/`);
    expect(() => Template.fromStack(stack)).toThrow(
      /need 501 values in advanced event selectors; CloudTrail allows at most 500 per trail.*Split the agents across several AgentAuditTrail constructs/,
    );
  });

  test('many agents sharing resources also count one session value each', () => {
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    for (let i = 0; i < 250; i++)
      grant(agentOn(stack, trail, `agent-${i}`), 'AWS::S3::Object', `arn:aws:s3:::shared-${i}/`);
    // 1 + 2 + 250 ARNs + 250 sessions = 503
    expect(() => Template.fromStack(stack)).toThrow(/the 250 agents recorded by this trail need 503 values/);
  });

  test.each([
    [
      's3 object',
      /names resource type "s3 object"; use a literal CloudTrail data resource type such as AWS::S3::Object/,
    ],
  ])('a resource type like %s is rejected', (resourceType, message) => {
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    grant(agentOn(stack, trail, 'agent-a'), resourceType, 'arn:aws:s3:::x/');
    expect(() => Template.fromStack(stack)).toThrow(message);
  });

  test('an audited resource with a wildcard is rejected (selectors would match it literally)', () => {
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    grant(agentOn(stack, trail, 'agent-a'), 'AWS::S3::Object', 'arn:aws:s3:::inbox/*');
    expect(() => Template.fromStack(stack)).toThrow(/event selectors take no wildcards/);
  });

  test('an audited resource that is not an ARN is rejected', () => {
    const { stack } = newStack();
    const trail = new AgentAuditTrail(stack, 'Audit');
    grant(agentOn(stack, trail, 'agent-a'), 'AWS::S3::Object', 'inbox/');
    expect(() => Template.fromStack(stack)).toThrow(
      /names "inbox\/" as audited resource; it must be an ARN or ARN prefix/,
    );
  });
});
