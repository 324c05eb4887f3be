import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity, AgentRuntime } from '../../lib';
import { AGENT_SERVICES, PERMISSIONS_GUARDRAILS } from '../../lib/identity/private/permissions-guardrails';
import { agentRoleId, rolePolicies, simulate, RolePolicies } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';
import { matchingActions } from '../../lib/shared/iam-catalog';

const ACCOUNT = '111111111111';
const ROLE_ARN = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

/** An agent that was (wrongly) granted everything, so only the permissions guardrails can stop it. */
function overGrantedAgent(options: { boundaryOptOutReason?: string } = {}): RolePolicies {
  const { stack } = newStack();
  const agent = new AgentIdentity(stack, 'Agent', {
    agentName: 'over-granted',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    ...options,
  });
  agent.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
  const template = Template.fromStack(stack).toJSON();
  return rolePolicies(template, agentRoleId(template, 'over-granted'));
}

/** Actions below of services outside the agents' ceiling: the boundary refuses them (implicitly). */
const BEYOND_CEILING = ['lambda:UpdateFunctionCode', 'ssm:SendCommand'];

describe('permissions guardrails (simulated the way IAM evaluates them)', () => {
  test('the actions taken as beyond the ceiling are of services outside it', () => {
    for (const a of BEYOND_CEILING) expect(AGENT_SERVICES).not.toContain(a.split(':')[0]);
  });

  // GIVEN an agent granted '*' on '*'
  const withBoundary = overGrantedAgent();
  const withoutBoundary = overGrantedAgent({ boundaryOptOutReason: 'legacy integration being migrated off' });

  const denied: [string, string, string, Record<string, string | string[]>][] = [
    ['changes its own inline policy', 'iam:PutRolePolicy', withBoundary.roleArn, {}],
    ['attaches a managed policy to itself', 'iam:AttachRolePolicy', withBoundary.roleArn, {}],
    ['removes its permissions boundary', 'iam:DeleteRolePermissionsBoundary', withBoundary.roleArn, {}],
    ['rewrites its trust policy', 'iam:UpdateAssumeRolePolicy', withBoundary.roleArn, {}],
    ['retags itself', 'iam:TagRole', withBoundary.roleArn, {}],
    ['creates a new policy version', 'iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:policy/any`, {}],
    ['passes a role', 'iam:PassRole', ROLE_ARN('admin'), {}],
    ['creates access keys', 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/alice`, {}],
    [
      'injects code into another function',
      'lambda:UpdateFunctionCode',
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`,
      {},
    ],
    [
      'runs remote commands',
      'ssm:SendCommand',
      `arn:aws:ssm:us-east-1:${ACCOUNT}:document/AWS-RunShellScript`,
      {},
    ],
    ['opens a bucket policy', 's3:PutBucketPolicy', 'arn:aws:s3:::data', {}],
    [
      'relabels a table to another tenant',
      'dynamodb:TagResource',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`,
      { 'aws:TagKeys': ['ai:tenant'], 'aws:RequestTag/ai:tenant': 'globex' },
    ],
    [
      'removes a classification tag from a secret',
      'secretsmanager:UntagResource',
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:key-AbCdEf`,
      { 'aws:TagKeys': ['ai:classification'] },
    ],
    ['replaces the tags of a bucket', 's3:PutBucketTagging', 'arn:aws:s3:::data', {}],
    [
      'stops the audit trail',
      'cloudtrail:StopLogging',
      `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/agents`,
      {},
    ],
    [
      'deletes the audit trail',
      'cloudtrail:DeleteTrail',
      `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/agents`,
      {},
    ],
    [
      'narrows the event selectors',
      'cloudtrail:PutEventSelectors',
      `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/agents`,
      {},
    ],
    [
      'deletes the trail log group',
      'logs:DeleteLogGroup',
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail`,
      {},
    ],
    ['turns off model invocation logging', 'bedrock:DeleteModelInvocationLoggingConfiguration', '*', {}],
  ];

  test.each(denied)('an agent that %s is denied', async (_what, action, resource, context) => {
    // WHEN the request is evaluated against identity policies + boundary
    const decision = await simulate(withBoundary, { action, resource, context });
    // THEN a permissions guardrail denies it explicitly, or (a service outside the agents' ceiling) the boundary refuses it
    const withinCeiling = !BEYOND_CEILING.includes(action);
    expect(decision).toBe(withinCeiling ? 'ExplicitlyDenied' : 'ImplicitlyDenied');
  });

  test.each(denied)(
    'without the boundary, an agent that %s is still denied',
    async (_what, action, resource, context) => {
      const decision = await simulate(withoutBoundary, { action, resource, context });
      expect(decision).toBe('ExplicitlyDenied');
    },
  );

  test('tagging on keys outside ai:* stays possible when granted', async () => {
    const decision = await simulate(withBoundary, {
      action: 'dynamodb:TagResource',
      resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`,
      context: { 'aws:TagKeys': ['cost-center'], 'aws:RequestTag/cost-center': '42' },
    });
    expect(decision).toBe('Allowed');
  });

  test('a normally granted action stays allowed under the boundary', async () => {
    const decision = await simulate(withBoundary, {
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::data/inbox/1.eml',
    });
    expect(decision).toBe('Allowed');
  });

  test('an agent granted nothing is denied even what the boundary would allow', async () => {
    const { stack } = newStack();
    new AgentIdentity(stack, 'Plain', { agentName: 'plain', runtime: AgentRuntime.lambdaFunction() });
    const template = Template.fromStack(stack).toJSON();
    const role = rolePolicies(template, agentRoleId(template, 'plain'));
    expect(await simulate(role, { action: 's3:GetObject', resource: 'arn:aws:s3:::data/x' })).toBe(
      'ImplicitlyDenied',
    );
  });

  test('every permissions guardrail names actions that exist (a typo would silently deny nothing)', () => {
    for (const rail of PERMISSIONS_GUARDRAILS) {
      for (const action of rail.actions) {
        if (action === '*') continue; // DenyRevokedAgents denies every action of a revoked agent
        expect({ action, matches: matchingActions(action).length > 0 }).toEqual({ action, matches: true });
      }
    }
  });
});
