import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AgentIdentity, AgentRuntime, DataAccess, DataClassification, DataStore, DataTags } from '../../lib';
import { AgentRevocation } from '../../lib/operations/agent-revocation';
import { agentRoleId, rolePolicies, RolePolicies, simulate } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

const ACCOUNT = '111111111111';
const REVOKED_AT = new Date('2026-12-01T22:45:00Z');
const BEFORE = '2026-12-01T22:00:00Z';
const AFTER = '2026-12-01T23:30:00Z';

/** An agent with one real grant (read a tenant bucket) and, as an attacker would wish, iam:* on top. */
function agent(overGranted: boolean): {
  role: RolePolicies;
  template: Record<string, unknown>;
  bucketArn: string;
} {
  const { stack } = newStack();
  const triage = new AgentIdentity(stack, 'Triage', {
    agentName: 'triage',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    clearance: DataClassification.CONFIDENTIAL,
  });
  const bucket = new s3.Bucket(stack, 'Inbox', { bucketName: 'acme-inbox', enforceSSL: true });
  DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
  triage.grantData(DataStore.s3Bucket(bucket), DataAccess.READ);
  if (overGranted) {
    triage.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['iam:*', 'sts:*'], resources: ['*'] }),
    );
  }
  const template = Template.fromStack(stack).toJSON();
  return {
    role: rolePolicies(template, agentRoleId(template, 'triage')),
    template,
    bucketArn: 'arn:aws:s3:::acme-inbox',
  };
}

/** The role as the CLI leaves it: the revocation policy and/or the revocation tag added. */
function revoked(role: RolePolicies, marks: { policy: boolean; tag: boolean }): RolePolicies {
  return {
    ...role,
    identityPolicies: marks.policy
      ? [
          ...role.identityPolicies,
          { name: AgentRevocation.POLICY_NAME, policy: AgentRevocation.policyDocument(REVOKED_AT) },
        ]
      : role.identityPolicies,
    tags: marks.tag
      ? { ...role.tags, [AgentRevocation.REVOKED_TAG]: AgentRevocation.timestamp(REVOKED_AT) }
      : role.tags,
  };
}

const readObject = (bucketArn: string, issuedAt: string) => ({
  action: 's3:GetObject',
  resource: `${bucketArn}/mail/1.eml`,
  resourceAccount: ACCOUNT,
  bucketAbac: true,
  context: {
    'aws:TokenIssueTime': issuedAt,
    'aws:ResourceTag/ai:tenant': 'acme',
    'aws:ResourceTag/ai:classification': 'internal',
    's3:ExistingObjectTag/ai:tenant': 'acme',
    's3:ExistingObjectTag/ai:classification': 'internal',
  },
});

describe('a revoked agent (simulated the way IAM evaluates it)', () => {
  const { role, bucketArn } = agent(false);

  test('before revocation, the granted read is allowed (the test can fail)', async () => {
    expect(await simulate(role, readObject(bucketArn, BEFORE))).toBe('Allowed');
  });

  test.each([
    ['policy and tag', { policy: true, tag: true }],
    ['the policy alone (tag lost)', { policy: true, tag: false }],
    ['the tag alone (policy lost)', { policy: false, tag: true }],
  ])('with %s: an old session and a new session are both denied', async (_what, marks) => {
    const r = revoked(role, marks);
    expect(await simulate(r, readObject(bucketArn, BEFORE))).toBe('ExplicitlyDenied');
    expect(await simulate(r, readObject(bucketArn, AFTER))).toBe('ExplicitlyDenied');
  });

  test.each(AgentRevocation.CREDENTIAL_PROVIDER_ACTIONS)('the token vault is cut: %s', async (action) => {
    const r = revoked(role, { policy: true, tag: true });
    const decision = await simulate(r, {
      action,
      resource: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:workload-identity-directory/default/workload-identity/triage`,
      context: { 'aws:TokenIssueTime': AFTER },
    });
    expect(decision).toBe('ExplicitlyDenied');
  });

  test('the revocation policy holds AWS revoke-older-sessions deny exactly', () => {
    expect(AgentRevocation.policyDocument(REVOKED_AT).Statement[0]).toEqual({
      Sid: 'RevokeOlderSessions',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-12-01T22:45:00Z' } },
    });
  });
});

describe('an agent cannot lift its revocation, even when granted iam:*', () => {
  const { role } = agent(true);
  const r = revoked(role, { policy: true, tag: true });
  // Denied both while revoked and before: the permissions guardrails deny every IAM write to every agent.
  const lifts: [string, string][] = [
    ['deletes the revocation policy', 'iam:DeleteRolePolicy'],
    ['overwrites the revocation policy', 'iam:PutRolePolicy'],
    ['removes the revocation tag', 'iam:UntagRole'],
    ['overwrites the revocation tag', 'iam:TagRole'],
    ['detaches its permissions guardrails', 'iam:DetachRolePolicy'],
    ['removes its permissions boundary', 'iam:DeleteRolePermissionsBoundary'],
  ];
  test.each(lifts)('an agent that %s is explicitly denied, revoked or not', async (_what, action) => {
    const request = {
      action,
      resource: role.roleArn,
      context: {
        'aws:TokenIssueTime': AFTER,
        'aws:TagKeys': [AgentRevocation.REVOKED_TAG],
      },
    };
    expect(await simulate(role, request)).toBe('ExplicitlyDenied');
    expect(await simulate(r, request)).toBe('ExplicitlyDenied');
  });

  test('a session tag cannot mask the revocation tag (the rail checks presence, not value)', async () => {
    const decision = await simulate(revoked(role, { policy: false, tag: true }), {
      ...readObject('arn:aws:s3:::acme-inbox', AFTER),
      sessionTags: { [AgentRevocation.REVOKED_TAG]: '' },
    });
    expect(decision).toBe('ExplicitlyDenied');
  });
});

describe('a deploy does not lift a revocation', () => {
  test('no template the library writes declares the revocation policy or tag', () => {
    const { template } = agent(true);
    const json = JSON.stringify(template);
    expect(json).not.toContain(AgentRevocation.POLICY_NAME);
    expect(json).not.toContain(`"${AgentRevocation.REVOKED_TAG}"`);
  });

  test('every agent carries the rail that honours the tag, in its boundary and its permissions-guardrail policy', () => {
    const { role } = agent(false);
    const rail = (doc: { Statement: { Sid?: string }[] }) =>
      doc.Statement.find((s) => s.Sid === 'DenyRevokedAgents');
    expect(rail(role.boundary)).toEqual({
      Sid: 'DenyRevokedAgents',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { Null: { 'aws:PrincipalTag/ai:revoked': 'false' } },
    });
    expect(role.identityPolicies.some((p) => rail(p.policy) !== undefined)).toBe(true);
  });
});
