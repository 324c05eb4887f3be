import { PERMISSIONS_GUARDRAIL_POLICIES } from '../../lib/identity/private/permissions-guardrails';
import { CfnParameter, Duration, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AgentIdentity, AgentIdentityProps, AgentRuntime, DataClassification } from '../../lib';
import { newStack } from '../helpers/stacks';

function agent(stack: Stack, props: Partial<AgentIdentityProps> = {}, id = 'Agent'): AgentIdentity {
  return new AgentIdentity(stack, id, {
    agentName: 'email-triage',
    runtime: AgentRuntime.lambdaFunction(),
    ...props,
  });
}

describe('AgentIdentity', () => {
  test('tags the role with the ABAC principal tags', () => {
    // GIVEN
    const { stack } = newStack();
    // WHEN
    agent(stack, {
      tenant: 'acme',
      clearance: DataClassification.CONFIDENTIAL,
      owner: 'support-platform@example.com',
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Tags: Match.arrayEquals([
        { Key: 'ai:agent', Value: 'email-triage' },
        { Key: 'ai:clearance', Value: 'confidential' },
        { Key: 'ai:owner', Value: 'support-platform@example.com' },
        { Key: 'ai:tenant', Value: 'acme' },
      ]),
    });
  });

  test('defaults: internal clearance, one-hour sessions, no tenant tag', () => {
    const { stack } = newStack();
    const a = agent(stack);
    expect(a.clearance).toBe(DataClassification.INTERNAL);
    expect(a.tenant).toBeUndefined();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      MaxSessionDuration: Match.absent(), // one hour is CloudFormation's default
      Tags: Match.arrayEquals([
        { Key: 'ai:agent', Value: 'email-triage' },
        { Key: 'ai:clearance', Value: 'internal' },
      ]),
    });
  });

  test('a user tag on the whole app cannot override an agent principal tag', () => {
    const { app, stack } = newStack();
    Tags.of(app).add('ai:tenant', 'globex');
    agent(stack, { tenant: 'acme' });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Tags: Match.arrayWith([{ Key: 'ai:tenant', Value: 'acme' }]),
    });
  });

  test('exposes role, roleArn, agentName, tenant, clearance and is grantable', () => {
    const { stack } = newStack();
    const a = agent(stack, { tenant: 'acme' });
    expect(a.role).toBeInstanceOf(iam.Role);
    expect(stack.resolve(a.roleArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^AgentRole/), 'Arn'] });
    expect(a.agentName).toBe('email-triage');
    expect(a.tenant).toBe('acme');
    expect(a.grantPrincipal).toBeDefined();
  });

  test('every agent of a stack shares one boundary and one permissions-guardrail policy', () => {
    const { stack } = newStack();
    agent(stack, {}, 'A');
    agent(stack, { agentName: 'second' }, 'B');
    agent(stack, { agentName: 'third' }, 'C');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 2);
    template.resourceCountIs('AWS::IAM::Role', 3);
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    const boundaries = new Set(roles.map((r) => JSON.stringify(r.Properties.PermissionsBoundary)));
    expect(boundaries.size).toBe(1);
    expect([...boundaries][0]).toMatch(/AgentBoundary/);
  });

  test('grants made with the agent land in its one inline policy: no extra resource per agent', () => {
    const { stack } = newStack();
    const a = agent(stack);
    const bucket = new s3.Bucket(stack, 'Bucket');
    bucket.grantRead(a);
    a.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: ['arn:aws:sqs:us-east-1:111111111111:q'],
      }),
    );
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [
        {
          PolicyName: 'AgentAccess',
          PolicyDocument: {
            Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:SendMessage' })]),
          },
        },
      ],
    });
  });

  test('an agent with no grant has no inline policy at all', () => {
    const { stack } = newStack();
    agent(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { Policies: Match.absent() });
  });

  test('opting out of the boundary needs a reason, keeps the deny policy and warns', () => {
    const { stack } = newStack();
    const a = agent(stack, { boundaryOptOutReason: 'vendor runtime attaches its own boundary' });
    expect(a.permissionsBoundary).toBeUndefined();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      PermissionsBoundary: Match.absent(),
      ManagedPolicyArns: PERMISSIONS_GUARDRAIL_POLICIES.map(() => ({
        Ref: Match.stringLikeRegexp('AgentBoundaryGuardRails'),
      })),
    });
    Annotations.fromStack(stack).hasWarning(
      '/TestStack/Agent',
      Match.stringLikeRegexp('without the shared permissions boundary'),
    );
  });

  test('roleName and description pass through', () => {
    const { stack } = newStack();
    agent(stack, { roleName: 'agent-email-triage', description: 'Reads the support inbox' });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'agent-email-triage',
      Description: 'Reads the support inbox',
    });
  });

  test('session duration between one and twelve hours is accepted', () => {
    const { stack } = newStack();
    agent(stack, { maxSessionDuration: Duration.hours(12) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 43200 });
  });

  test('a tenant from a deploy-time parameter is passed through unvalidated when allowed', () => {
    const { stack } = newStack();
    const tenant = new CfnParameter(stack, 'Tenant').valueAsString;
    agent(stack, { tenant, allowUnresolvedTenant: true });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Tags: Match.arrayWith([{ Key: 'ai:tenant', Value: { Ref: 'Tenant' } }]),
    });
  });
});

describe('AgentIdentity validation', () => {
  const cases: [string, Partial<AgentIdentityProps>, RegExp][] = [
    [
      'an upper-case name',
      { agentName: 'Email-Triage' },
      /agentName "Email-Triage" must be a literal of 1-48 lowercase/,
    ],
    ['an empty name', { agentName: '' }, /agentName "" must be/],
    ['a 49-character name', { agentName: 'a'.repeat(49) }, /must be a literal of 1-48/],
    ['a name with a space', { agentName: 'email triage' }, /must be a literal/],
    ['a tenant with a slash', { tenant: 'acme/eu' }, /tenant "acme\/eu" must be 1-128 letters/],
    ['a tenant with a wildcard', { tenant: 'acme*' }, /tenant "acme\*"/],
    [
      'an owner IAM refuses',
      { owner: 'owner<script>' },
      /owner "owner<script>" is not a valid IAM tag value/,
    ],
    [
      'a 30-minute session',
      { maxSessionDuration: Duration.minutes(30) },
      /maxSessionDuration 30 minutes is outside 1-12 hours/,
    ],
    [
      'a 13-hour session',
      { maxSessionDuration: Duration.hours(13) },
      /maxSessionDuration 13 hours is outside 1-12 hours/,
    ],
    [
      'a short opt-out reason',
      { boundaryOptOutReason: 'because' },
      /boundaryOptOutReason "because" is too short/,
    ],
    [
      'an unknown clearance',
      { clearance: 'secret' as DataClassification },
      /clearance "secret" is not a DataClassification/,
    ],
  ];
  test.each(cases)('refuses %s with a clear error naming the construct', (_name, props, message) => {
    const { stack } = newStack();
    expect(() => agent(stack, props)).toThrow(message);
    expect(() => agent(stack, props, 'Again')).toThrow(/^TestStack\/Again: /);
  });

  test('refuses a token agent name', () => {
    const { stack } = newStack();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(() => agent(stack, { agentName: name })).toThrow(/must be a literal/);
  });

  test('agent names are unique across the whole app, not only one stack', () => {
    const { app, stack } = newStack();
    agent(stack);
    const other = new Stack(app, 'Other');
    expect(() => agent(other)).toThrow(/agentName "email-triage" is already used by TestStack\/Agent/);
  });

  test('the same name in two separate apps is fine', () => {
    agent(newStack().stack);
    expect(() => agent(newStack().stack)).not.toThrow();
  });

  test('a delegated worker cannot ask for a session longer than the chaining hour', () => {
    const { stack } = newStack();
    const o = agent(stack, { agentName: 'orchestrator' }, 'O');
    expect(() =>
      agent(
        stack,
        {
          agentName: 'worker',
          runtime: AgentRuntime.delegatedFrom(o, { sessionTags: ['ai:record'] }),
          maxSessionDuration: Duration.hours(2),
        },
        'W',
      ),
    ).toThrow(/exceeds what this runtime allows \(1 hour\)/);
  });

  test('grantModels with no model is refused', () => {
    const { stack } = newStack();
    expect(() => agent(stack).grantModels([])).toThrow(/grantModels needs at least one model/);
  });
});
