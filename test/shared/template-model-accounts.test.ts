import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as lib from '../../lib';
import { AgentAttribution, TemplateModel } from '../../lib/shared/template-model';
import { check } from '../checks/fixtures';

/**
 * A literal role name or ARN names a role of one account: a role of the same name in another
 * account is not the agent, and must not be attributed to it (nor hide a grant to the agent).
 */
function model(holderAccount: string | undefined, holder: Record<string, unknown>, agentAccount?: string) {
  return new TemplateModel([
    {
      id: 'Agents',
      name: 'Agents',
      ...(agentAccount !== undefined ? { account: agentAccount } : {}),
      template: {
        Resources: {
          Agent: {
            Type: 'AWS::IAM::Role',
            Properties: { RoleName: 'triage-role', Tags: [{ Key: 'ai:agent', Value: 'triage' }] },
          },
        },
      },
    },
    {
      id: 'Data',
      name: 'Data',
      ...(holderAccount !== undefined ? { account: holderAccount } : {}),
      template: { Resources: { Holder: holder } },
    },
  ]);
}

const bucketPolicy = (principal: unknown) => ({
  Type: 'AWS::S3::BucketPolicy',
  Properties: {
    Bucket: 'data',
    PolicyDocument: {
      Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 's3:GetObject', Resource: '*' }],
    },
  },
});

const grantsOf = (m: TemplateModel) => new AgentAttribution(m).agents[0].resourcePolicyStatements.length;
const policiesOf = (m: TemplateModel) => new AgentAttribution(m).agents[0].identityPolicies.length;

describe('literal role names and ARNs are matched within one account', () => {
  test('a literal ARN of another account naming a role of the same name is not the agent', () => {
    const m = model(
      '111111111111',
      bucketPolicy('arn:aws:iam::222222222222:role/triage-role'),
      '111111111111',
    );
    expect(grantsOf(m)).toBe(0);
  });

  test('a literal ARN of the agent account is the agent', () => {
    const m = model(
      '111111111111',
      bucketPolicy('arn:aws:iam::111111111111:role/triage-role'),
      '111111111111',
    );
    expect(grantsOf(m)).toBe(1);
  });

  test('a session ARN of another account is not the agent; AWS::AccountId is the holder stack account', () => {
    const other = model(
      '222222222222',
      bucketPolicy({ 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/triage-role' }),
      '111111111111',
    );
    expect(grantsOf(other)).toBe(0);
    const same = model(
      '111111111111',
      bucketPolicy({ 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/triage-role' }),
      '111111111111',
    );
    expect(grantsOf(same)).toBe(1);
    const session = model(
      '111111111111',
      bucketPolicy('arn:aws:sts::333333333333:assumed-role/triage-role/run-1'),
      '111111111111',
    );
    expect(grantsOf(session)).toBe(0);
  });

  test('a policy naming the role by name attaches to it only in its own account', () => {
    const policy = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'extra',
        Roles: ['triage-role'],
        PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
      },
    };
    expect(policiesOf(model('222222222222', policy, '111111111111'))).toBe(0);
    expect(policiesOf(model('111111111111', policy, '111111111111'))).toBe(1);
  });

  test('where an account is unknown (environment-agnostic stacks) the role is matched: attributed, never hidden', () => {
    expect(grantsOf(model(undefined, bucketPolicy('arn:aws:iam::222222222222:role/triage-role')))).toBe(1);
    expect(grantsOf(model('222222222222', bucketPolicy('arn:aws:iam::222222222222:role/triage-role')))).toBe(
      1,
    );
  });
});

describe('the checks and the report agree on literal ARNs of another account', () => {
  function app(account: string) {
    const a = new App();
    const stack = new Stack(a, 'Agents', { env: { account: '111111111111', region: 'us-east-1' } });
    const agent = new lib.AgentIdentity(stack, 'Triage', {
      agentName: 'triage',
      runtime: lib.AgentRuntime.lambda(),
      tenant: 'acme',
    });
    (agent.role.node.defaultChild as iam.CfnRole).roleName = 'triage-role';
    const bucket = new s3.Bucket(stack, 'GlobexData', { enforceSSL: true });
    lib.DataTags.of(bucket).apply({ tenant: 'globex', classification: lib.DataClassification.INTERNAL });
    bucket.grantRead(new iam.ArnPrincipal(`arn:aws:iam::${account}:role/triage-role`));
    Validations.of(a).addPlugins(new lib.AgentEntitlementReport(a));
    const dir = a.synth().directory;
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'agent-entitlements.json'), 'utf8'));
    const grants = (report.agents[0].resourcePolicyGrants ?? []).length;
    const findings = check(a).violations.filter((v) =>
      v.ruleName.includes('ResourcePolicy::Agents/GlobexData'),
    ).length;
    return { grants, findings };
  }

  test('another account: neither reports it; the agent account: both do', () => {
    expect(app('222222222222')).toEqual({ grants: 0, findings: 0 });
    const own = app('111111111111');
    expect(own.grants).toBeGreaterThan(0);
    expect(own.findings).toBeGreaterThan(0);
  });
});
