import { Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AgentIdentity, AgentRuntime } from '../../../lib';
import { check, findingsFor, plainApp } from '../fixtures';

const RULE = 'NarrowTrust';
const CALLER = 'arn:aws:iam::222222222222:role/orchestrator';

/** A hand-written agent role (tenant acme) trusting CALLER (with an external id) with the given session-tag statement. */
function taggedRole(scope: Construct, id: string, trust: iam.PolicyStatement[]): iam.CfnRole {
  const role = new iam.Role(scope, id, { assumedBy: new iam.AccountPrincipal('111111111111') });
  Tags.of(role).add('ai:agent', id.toLowerCase());
  Tags.of(role).add('ai:tenant', 'acme');
  const cfn = role.node.defaultChild as iam.CfnRole;
  cfn.assumeRolePolicyDocument = new iam.PolicyDocument({ statements: trust });
  return cfn;
}

function allowTagSession(conditions: Record<string, Record<string, unknown>> = {}): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [new iam.ArnPrincipal(CALLER)],
    actions: ['sts:AssumeRole', 'sts:TagSession'],
    conditions: { StringEquals: { 'sts:ExternalId': 'partner-7f3a' }, ...conditions },
  });
}

describe('AgentIdentity-NarrowTrust: sts:TagSession', () => {
  test('compliant: delegatedFrom lets the orchestrator pass only its named keys (ai:record), never a principal key', () => {
    // GIVEN an orchestrator and a worker delegated with one session tag
    const { app, stack } = plainApp();
    const orchestrator = new AgentIdentity(stack, 'Orchestrator', {
      agentName: 'orchestrator',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
    });
    new AgentIdentity(stack, 'Worker', {
      agentName: 'worker',
      runtime: AgentRuntime.delegatedFrom(orchestrator, { sessionTags: ['ai:record', 'case-id'] }),
      tenant: 'acme',
    });
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('compliant: EKS Pod Identity sets its own fixed tags', () => {
    const { app, stack } = plainApp();
    new AgentIdentity(stack, 'Pod', {
      agentName: 'pod',
      runtime: AgentRuntime.eksPodIdentity({ kubernetesNamespace: 'agents', serviceAccount: 'pod' }),
    });
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('compliant: an allow-list without protected keys, no tags at all, or a Deny of the protected keys', () => {
    const { app, stack } = plainApp();
    taggedRole(stack, 'AllowList', [
      allowTagSession({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['ai:record', 'case-id'] } }),
    ]);
    taggedRole(stack, 'NoTags', [allowTagSession({ Null: { 'aws:TagKeys': 'true' } })]);
    taggedRole(stack, 'Denied', [
      allowTagSession(),
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sts:TagSession'],
        conditions: {
          'ForAnyValue:StringEqualsIgnoreCase': {
            'aws:TagKeys': ['ai:agent', 'ai:tenant', 'ai:clearance', 'ai:owner'],
          },
        },
      }),
    ]);
    expect(findingsFor(check(app), RULE)).toEqual([]);
  });

  test('non-compliant: TagSession without a tag-key condition lets the caller set ai:tenant', () => {
    // GIVEN a trust that lets a narrowed caller (external id) also tag its session freely
    const { app, stack } = plainApp();
    taggedRole(stack, 'Open', [allowTagSession()]);
    // WHEN / THEN
    expect(findingsFor(check(app), RULE)).toEqual([`TagSession::${CALLER}`]);
  });

  test.each([
    [
      'an allow-list naming ai:tenant',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['ai:record', 'ai:tenant'] } },
    ],
    [
      'an allow-list naming AI:Tenant (keys match without case)',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['AI:Tenant'] } },
    ],
    ['a pattern allow-list', { 'ForAllValues:StringLike': { 'aws:TagKeys': ['case-*'] } }],
    ['a negated pattern (AI:tenant passes)', { 'ForAllValues:StringNotLike': { 'aws:TagKeys': ['ai:*'] } }],
    [
      'ForAnyValue (one good key lets the others through)',
      { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['case-id'] } },
    ],
    [
      'a key the role carries (ai:cost-center)',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['ai:cost-center'] } },
    ],
  ])('non-compliant: %s', (_name, condition) => {
    const { app, stack } = plainApp();
    const role = taggedRole(stack, 'Open', [allowTagSession(condition)]);
    Tags.of(role).add('ai:cost-center', 'cc-1');
    expect(findingsFor(check(app), RULE)).toEqual([`TagSession::${CALLER}`]);
  });

  test.each([
    [
      'a Deny that leaves a principal key out',
      { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': ['ai:tenant'] } },
    ],
    ['a Deny with a case-sensitive pattern', { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['ai:*'] } }],
  ])('non-compliant: %s does not count', (_name, condition) => {
    const { app, stack } = plainApp();
    taggedRole(stack, 'Open', [
      allowTagSession(),
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sts:TagSession'],
        conditions: condition,
      }),
    ]);
    expect(findingsFor(check(app), RULE)).toEqual([`TagSession::${CALLER}`]);
  });

  test('non-compliant: sts:* and a web identity principal with session tags from its token', () => {
    const { app, stack } = plainApp();
    taggedRole(stack, 'Star', [
      new iam.PolicyStatement({
        principals: [new iam.ArnPrincipal(CALLER)],
        actions: ['sts:*'],
        conditions: { StringEquals: { 'sts:ExternalId': 'partner-7f3a' } },
      }),
    ]);
    taggedRole(stack, 'Oidc', [
      new iam.PolicyStatement({
        principals: [new iam.FederatedPrincipal('arn:aws:iam::111111111111:oidc-provider/idp.example.com')],
        actions: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        conditions: { StringEquals: { 'idp.example.com:sub': 'agent-runner' } },
      }),
    ]);
    expect(findingsFor(check(app), RULE)).toEqual([`TagSession::${CALLER}`, 'TagSession::idp.example.com']);
  });
});
