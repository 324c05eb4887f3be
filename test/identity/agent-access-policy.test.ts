import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NIST80053R5Checks } from 'cdk-nag';
import { AgentIdentity, AgentRuntime } from '../../lib';
import { INLINE_POLICY_BUDGET } from '../../lib/identity/private/agent-access-policy';
import { agentRoleId, rolePolicies, simulate } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

const ACCOUNT = '111111111111';
const queueArn = (i: number) => `arn:aws:sqs:us-east-1:${ACCOUNT}:customer-conversation-queue-number-${i}`;

/** An agent with `n` grants that cannot merge (each its own condition value). */
function agentWithGrants(n: number) {
  const { stack } = newStack();
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'busy',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
  });
  for (let i = 0; i < n; i++) {
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
        resources: [queueArn(i)],
        conditions: {
          StringEquals: {
            'aws:ResourceTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}',
            'aws:SourceVpce': `vpce-${i}`,
          },
        },
      }),
    );
  }
  const json = Template.fromStack(stack).toJSON();
  return { agent, json, role: rolePolicies(json, agentRoleId(json, 'busy')) };
}

describe('AgentAccessPolicy', () => {
  test('a normal agent keeps every grant inline: no extra resource', () => {
    const { agent, json } = agentWithGrants(10);
    expect(agent.overflowPolicies).toHaveLength(0);
    const types = Object.values<{ Type: string }>(json.Resources).map((r) => r.Type);
    // the stack's shared boundary and permissions-guardrail policies only
    expect(types.filter((t) => t === 'AWS::IAM::ManagedPolicy')).toHaveLength(2);
  });

  test('grants that outgrow IAM inline limit spill into managed policies within their limit', () => {
    // GIVEN an agent whose grants are about three times the inline limit
    const { agent, role } = agentWithGrants(150);
    // THEN the inline policy fits, every overflow policy fits, and no grant was lost
    const inline = role.identityPolicies.find((p) => p.name === 'AgentAccess')!;
    expect(JSON.stringify(inline.policy).length).toBeLessThanOrEqual(INLINE_POLICY_BUDGET);
    expect(agent.overflowPolicies.length).toBeGreaterThan(0);
    const overflow = role.identityPolicies.filter((p) => p.name.includes('AccessOverflow'));
    expect(overflow).toHaveLength(agent.overflowPolicies.length);
    for (const p of overflow) expect(JSON.stringify(p.policy).length).toBeLessThanOrEqual(6144);
    const granted = [inline, ...overflow]
      .flatMap((p) => p.policy.Statement)
      .flatMap((s: { Resource: string }) => [s.Resource].flat());
    expect(new Set(granted).size).toBe(150);
  });

  test('a grant packed into an overflow policy is still allowed (simulated), others still denied', async () => {
    const { role } = agentWithGrants(150);
    const context = { 'aws:ResourceTag/ai:tenant': 'acme', 'aws:SourceVpce': 'vpce-149' };
    expect(await simulate(role, { action: 'sqs:SendMessage', resource: queueArn(149), context })).toBe(
      'Allowed',
    );
    expect(await simulate(role, { action: 'sqs:SendMessage', resource: queueArn(150), context })).toBe(
      'ImplicitlyDenied',
    );
  });

  test('a grant on a resource of another stack renders as a cross-stack import, not a dangling GetAtt', () => {
    // GIVEN a bucket in one stack and an agent in another
    const app = new App();
    const data = new Stack(app, 'Data', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const agents = new Stack(app, 'Agents', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const bucket = new s3.Bucket(data, 'Bucket');
    const agent = new AgentIdentity(agents, 'Agent', {
      agentName: 'reader',
      runtime: AgentRuntime.lambdaFunction(),
    });
    // WHEN
    bucket.grantRead(agent);
    // THEN the agent's policy imports the bucket ARN
    const policy = JSON.stringify(Template.fromStack(agents).toJSON().Resources);
    expect(policy).toContain('Fn::ImportValue');
    expect(policy).not.toMatch(/"Fn::GetAtt":\["Bucket/);
  });

  test('more than nine overflow policies is a clear error', () => {
    expect(() => agentWithGrants(700)).toThrow(
      /need \d+ overflow policies, more than the 9 a role can carry/,
    );
  });

  test('an agent granted nothing has no inline policy, and rule packs judge its role', () => {
    // GIVEN an agent with no grants at all
    const { app, stack } = newStack();
    new AgentIdentity(stack, 'Idle', {
      agentName: 'idle',
      runtime: AgentRuntime.lambdaFunction(),
      owner: 'a@example.com',
    });
    const json = Template.fromStack(stack).toJSON();
    // THEN its role carries no Policies property (not an empty one)
    expect(json.Resources[agentRoleId(json, 'idle')].Properties.Policies).toBeUndefined();
    // AND NIST's admin-access rule, which reads the property, judges it compliant instead of failing
    const violations = new NIST80053R5Checks(app)
      .validateScope(stack)
      .violations.filter((v) => v.ruleName.includes('IAMPolicyNoStatementsWith'));
    expect(violations).toEqual([]);
  });
});
