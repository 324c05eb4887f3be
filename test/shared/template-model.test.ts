import { AgentAttribution, TemplateModel } from '../../lib/shared/template-model';

/** Two stacks: Agents (an agent role exporting its ARN) and Other (policies naming it). */
function model(otherResources: Record<string, unknown>): TemplateModel {
  return new TemplateModel([
    {
      id: 'Agents',
      name: 'Agents',
      template: {
        Resources: {
          Agent: {
            Type: 'AWS::IAM::Role',
            Properties: { Tags: [{ Key: 'ai:agent', Value: 'triage' }], AssumeRolePolicyDocument: {} },
          },
          Named: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'literal-agent' } },
        },
        Outputs: {
          AgentArn: { Value: { 'Fn::GetAtt': ['Agent', 'Arn'] }, Export: { Name: 'Agents:AgentArn' } },
        },
      },
    },
    { id: 'Other', name: 'Other', template: { Resources: otherResources } },
  ]);
}

const IMPORTED_ARN = { 'Fn::ImportValue': 'Agents:AgentArn' };
/** What `Role.fromRoleArn(...).roleName` renders for an imported ARN. */
const NAME_FROM_IMPORTED_ARN = {
  'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', IMPORTED_ARN] }] }] }],
};

describe('TemplateModel', () => {
  test('follows Fn::Select / Fn::Split over an imported role ARN to the role', () => {
    const m = model({});
    const other = m.stacks[1];
    const target = m.rolesNamedBy(NAME_FROM_IMPORTED_ARN, other, 'name');
    expect(target).toEqual({ kind: 'roles', roles: [m.stacks[0].resources.get('Agent')] });
  });

  test('recognizes session ARNs, literal names and literal ARNs', () => {
    const m = model({});
    const [agents, other] = m.stacks;
    const session = { 'Fn::Sub': 'arn:${AWS::Partition}:sts::${AWS::AccountId}:assumed-role/${Agent}/run-1' };
    expect(m.rolesNamedBy(session, agents, 'principal')).toEqual({
      kind: 'roles',
      roles: [agents.resources.get('Agent')],
    });
    const named = agents.resources.get('Named');
    expect(m.rolesNamedBy('literal-agent', other, 'name')).toEqual({ kind: 'roles', roles: [named] });
    expect(m.rolesNamedBy('arn:aws:iam::111111111111:role/team/literal-agent', other, 'principal')).toEqual({
      kind: 'roles',
      roles: [named],
    });
    expect(m.rolesNamedBy('arn:aws:iam::111111111111:root', other, 'principal')).toEqual({
      kind: 'roles',
      roles: [],
    });
  });

  test('reports what it cannot follow instead of guessing', () => {
    const m = model({});
    const other = m.stacks[1];
    expect(m.rolesNamedBy({ 'Fn::ImportValue': 'Nowhere' }, other, 'name').kind).toBe('unknown');
    expect(m.rolesNamedBy({ 'Fn::If': ['C', 'a', 'b'] }, other, 'name').kind).toBe('unknown');
    expect(m.rolesNamedBy({ Ref: 'SomeParameter' }, other, 'name').kind).toBe('unknown');
  });
});

describe('AgentAttribution', () => {
  test('attributes an AWS::IAM::RolePolicy of another stack and a queue policy to the agent', () => {
    const document = { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    const m = model({
      Extra: {
        Type: 'AWS::IAM::RolePolicy',
        Properties: { RoleName: NAME_FROM_IMPORTED_ARN, PolicyDocument: document },
      },
      QueuePolicy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: ['https://sqs/q'],
          PolicyDocument: {
            Statement: [{ Effect: 'Allow', Principal: { AWS: IMPORTED_ARN }, Action: 'sqs:*' }],
          },
        },
      },
    });
    const [agent] = new AgentAttribution(m).agents;
    expect(agent.identityPolicies.map((p) => p.resource?.address)).toEqual(['Other/Extra']);
    expect(agent.resourcePolicyStatements.map((s) => [s.holder.address, s.resources])).toEqual([
      ['Other/QueuePolicy', ['https://sqs/q']],
    ]);
  });
});
