import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity, AgentRuntime, BedrockModel, DataClassification, GuardrailPin } from '../../lib';
import { CleanApp, check, cleanApp, findingsFor } from '../checks/fixtures';

/**
 * Attacker-first: each case below is a hand-written statement (or a construct call) that satisfied
 * every rule of AgentIdentityChecks by accident before this change — synth passed with all packs
 * registered — and is now a finding of the named rule (or a construct-time error). Each was run
 * against the previous code and failed there.
 */
const WITH_GUARDRAIL = { requireGuardrail: true };
const allow = (c: CleanApp, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
  c.agent.addToAgentPolicy(new iam.PolicyStatement({ actions, resources, conditions }));
const table = (c: CleanApp) =>
  c.stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: 'orders' });
const OWN_TENANT = '${aws:PrincipalTag/ai:tenant}';

describe('hand-written statements that used to pass', () => {
  test('ForAllValues on dynamodb:LeadingKeys without the Null guard (lets Scan through)', () => {
    const c = cleanApp();
    allow(c, ['dynamodb:Scan', 'dynamodb:Query'], [table(c)], {
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [OWN_TENANT] },
    });
    expect(findingsFor(check(c.app, WITH_GUARDRAIL), 'LeadingKeysGuard')).toEqual([
      'Resource::arn:<AWS::Partition>:dynamodb:us-east-1:111111111111:table/orders',
    ]);
  });

  test('a ${aws:PrincipalTag/ai:tenant}* prefix (acme reaches acme-corp)', () => {
    const c = cleanApp();
    allow(c, ['s3:GetObject'], [c.bucket.arnForObjects(`${OWN_TENANT}*`)], {
      StringLike: { 's3:ExistingObjectTag/ai:tenant': `${OWN_TENANT}*` },
    });
    const report = check(c.app, WITH_GUARDRAIL);
    expect(findingsFor(report, 'PrincipalTagWildcard')).toEqual(
      expect.arrayContaining(['Value::<aws:PrincipalTag/ai:tenant>*']),
    );
  });

  test.each([
    [
      'StringLike with *',
      { StringLike: { 'aws:ResourceTag/ai:classification': '*' } },
      'StringLike::aws:ResourceTag/ai:classification',
    ],
    [
      'Null false on a key always present',
      { Null: { 'aws:PrincipalTag/ai:tenant': 'false' } },
      'Null::aws:PrincipalTag/ai:tenant',
    ],
    [
      'a key compared with itself',
      { StringEquals: { 'aws:ResourceTag/ai:owner': '${aws:ResourceTag/ai:owner}' } },
      'StringEquals::aws:ResourceTag/ai:owner',
    ],
    [
      'IfExists that defeats the narrowing',
      { StringEqualsIfExists: { 'aws:ResourceTag/ai:classification': 'internal' } },
      'StringEqualsIfExists::aws:ResourceTag/ai:classification',
    ],
  ])('a condition that is always true: %s', (_name, extra, expected) => {
    const c = cleanApp();
    allow(c, ['s3:GetObject'], [c.bucket.arnForObjects('inbox/*')], {
      StringEquals: { 's3:ExistingObjectTag/ai:tenant': OWN_TENANT },
      ...extra,
    });
    expect(findingsFor(check(c.app, WITH_GUARDRAIL), 'NoAlwaysTrueConditions')).toEqual([expected]);
  });

  test('TenantAbac is not satisfied by comparing the principal tag with itself', () => {
    const c = cleanApp();
    allow(c, ['s3:GetObject'], [c.bucket.arnForObjects('shared/*')], {
      StringEquals: { 'aws:PrincipalTag/ai:tenant': OWN_TENANT },
    });
    expect(findingsFor(check(c.app, WITH_GUARDRAIL), 'TenantAbac')).toEqual([
      expect.stringMatching(/^Resource::.*shared\/\*$/),
    ]);
  });

  test.each([
    ['arn:aws:s3:::*/*'],
    ['arn:aws:secretsmanager:us-east-1:111111111111:secret:*'],
    ['arn:aws:s3:::acme-?/*'],
  ])('a wildcard resource beyond a bare *: %s', (arn) => {
    const c = cleanApp();
    allow(c, ['s3:GetObject', 'secretsmanager:GetSecretValue'], [arn], {
      StringEquals: { 'aws:ResourceTag/ai:tenant': OWN_TENANT },
    });
    expect(findingsFor(check(c.app, WITH_GUARDRAIL), 'NoWildcardResources')).toEqual([`Resource::${arn}`]);
  });

  test.each([['????????????'], ['*']])(
    'a trust condition that does not pin an account: aws:SourceAccount %s',
    (account) => {
      const c = cleanApp();
      (c.agent.role.node.defaultChild as iam.CfnRole).addPropertyOverride('AssumeRolePolicyDocument', {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'lambda.amazonaws.com' },
            Condition: { StringLike: { 'aws:SourceAccount': account } },
          },
        ],
      });
      expect(findingsFor(check(c.app, WITH_GUARDRAIL), 'NarrowTrust')).toEqual([
        'Service::lambda.amazonaws.com',
      ]);
    },
  );

  test('a boundary replaced by another policy', () => {
    const c = cleanApp();
    const lax = new iam.ManagedPolicy(c.stack, 'Lax', {
      statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
    });
    (c.agent.role.node.defaultChild as iam.CfnRole).permissionsBoundary = lax.managedPolicyArn;
    expect(findingsFor(check(c.app, WITH_GUARDRAIL), 'PermissionsBoundary')).toEqual([
      expect.stringMatching(/^Boundary::<Lax/),
    ]);
  });

  test('the permissions-guardrail policy detached', () => {
    const c = cleanApp();
    (c.agent.role.node.defaultChild as iam.CfnRole).addPropertyDeletionOverride('ManagedPolicyArns');
    expect(findingsFor(check(c.app, WITH_GUARDRAIL), 'PermissionsGuardrailsAttached')).toEqual(
      expect.arrayContaining([
        'PermissionsGuardrail::DenyIamWrites',
        'PermissionsGuardrail::DenyPrivilegeEscalation',
      ]),
    );
  });
});

describe('guardrail pinning judged per model', () => {
  const guardrailArn = 'arn:aws:bedrock:us-east-1:111111111111:guardrail/abc123';

  test('mixing a pinned and an unpinned model on one agent is a finding, even without requireGuardrail', () => {
    const c = cleanApp();
    const agent = new AgentIdentity(c.stack, 'Mixed', {
      agentName: 'mixed',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
      owner: 'team@example.com',
    });
    agent.grantModels([BedrockModel.foundationModel('amazon.nova-lite-v1:0')], {
      guardrail: GuardrailPin.version(guardrailArn, '3'),
    });
    agent.grantModels([BedrockModel.foundationModel('amazon.nova-pro-v1:0')]);
    expect(findingsFor(check(c.app), 'GuardrailRequired')).toEqual([
      'Model::arn:<AWS::Partition>:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0',
    ]);
  });

  test('a pin whose deny names another model does not cover this one (requireGuardrail)', () => {
    const c = cleanApp();
    // the clean app's pin denies on '*'; replace it by a pin on one model only, then allow a second model
    const agent = new AgentIdentity(c.stack, 'Narrow', {
      agentName: 'narrow',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
      owner: 'team@example.com',
    });
    agent.grantModels([BedrockModel.foundationModel('amazon.nova-lite-v1:0')], {
      guardrail: GuardrailPin.version(guardrailArn, '3'),
    });
    agent.addToAgentPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock:InvokeModel'],
        resources: [
          c.stack.formatArn({
            service: 'bedrock',
            account: '',
            resource: 'foundation-model',
            resourceName: 'amazon.nova-pro-v1:0',
          }),
        ],
      }),
    );
    expect(findingsFor(check(c.app, WITH_GUARDRAIL), 'GuardrailRequired')).toEqual([
      'Model::arn:<AWS::Partition>:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0',
    ]);
  });

  test('all models granted with the pin: no finding', () => {
    const c = cleanApp();
    const agent = new AgentIdentity(c.stack, 'Pinned', {
      agentName: 'pinned',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
      owner: 'team@example.com',
    });
    agent.grantModels(
      [
        BedrockModel.foundationModel('amazon.nova-lite-v1:0'),
        BedrockModel.inferenceProfile('us.amazon.nova-pro-v1:0'),
      ],
      { guardrail: GuardrailPin.version(guardrailArn, '3') },
    );
    expect(findingsFor(check(c.app, WITH_GUARDRAIL), 'GuardrailRequired')).toEqual([]);
  });
});

describe('delegation never crosses a tenant or raises clearance unless the user says why', () => {
  function orchestrator(c: CleanApp) {
    return new AgentIdentity(c.stack, 'Orchestrator', {
      agentName: 'orchestrator',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'acme',
      clearance: DataClassification.INTERNAL,
      owner: 'team@example.com',
    });
  }
  const worker = (c: CleanApp, props: { tenant?: string; clearance?: DataClassification }, reasons = {}) =>
    new AgentIdentity(c.stack, 'Worker', {
      agentName: 'worker',
      runtime: AgentRuntime.delegatedFrom(orchestrator(c), { sessionTags: ['ai:record'], ...reasons }),
      owner: 'team@example.com',
      ...props,
    });

  test('a worker of another tenant is a construct-time error naming the fix', () => {
    expect(() => worker(cleanApp(), { tenant: 'globex' })).toThrow(
      /Worker: delegatedFrom: this worker serves tenant "globex" but its orchestrator "orchestrator" serves "acme".*crossTenantReason/,
    );
  });

  test('a platform worker of a tenant orchestrator crosses a tenant too', () => {
    expect(() => worker(cleanApp(), {})).toThrow(/platform \(no tenant\).*crossTenantReason/);
  });

  test('a worker cleared above its orchestrator is a construct-time error', () => {
    expect(() => worker(cleanApp(), { tenant: 'acme', clearance: DataClassification.RESTRICTED })).toThrow(
      /has clearance "restricted", above its orchestrator "orchestrator" \("internal"\).*raisedClearanceReason/,
    );
  });

  test('with a reason: a warning, and the DelegationFence finding acknowledged with that reason', () => {
    const c = cleanApp();
    const reason = 'the billing worker reconciles invoices across both tenants of this customer';
    worker(c, { tenant: 'globex' }, { crossTenantReason: reason });
    Annotations.fromStack(c.stack).hasWarning(
      '/Agents/Worker',
      Match.stringLikeRegexp('delegated worker serves tenant "globex".*reconciles invoices'),
    );
    const report = check(c.app, WITH_GUARDRAIL);
    expect(findingsFor(report, 'DelegationFence')).toEqual([]);
    // without the acknowledgement the rule would report it: prove the rule sees the crossing
    const fresh = cleanApp();
    const orch = orchestrator(fresh);
    const handWritten = new AgentIdentity(fresh.stack, 'Worker', {
      agentName: 'worker',
      runtime: AgentRuntime.lambdaFunction(),
      tenant: 'globex',
      owner: 'team@example.com',
    });
    (handWritten.role as iam.Role).assumeRolePolicy!.addStatements(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        principals: [new iam.ArnPrincipal(orch.roleArn)],
        conditions: { StringEquals: { 'sts:ExternalId': 'work-item' } },
      }),
    );
    expect(findingsFor(check(fresh.app, WITH_GUARDRAIL), 'DelegationFence')).toEqual([
      'CrossTenant::orchestrator',
    ]);
  });
});
