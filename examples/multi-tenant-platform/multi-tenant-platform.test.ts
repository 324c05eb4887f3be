import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { rolePolicies, simulateTrust } from '../../test/helpers/simulate';
import { DEMO_BUCKET_CONTROL_TOWER } from '../_shared/demo-data-bucket';
import { describeRulePackTests } from '../_shared/standard-tests';
import {
  ACCOUNT,
  REGION,
  RolePolicies,
  actionIsKnown,
  actionsOf,
  agentRole,
  arn,
  arnOf,
  logicalIdOf,
  simulateAs,
  simulateCrossAccountAssume,
  templateOf,
} from '../_shared/simulation';
import { SUPPORT_SIGN_IN_ROLE, TENANTS, buildApp } from './app';

describe('example: multi-tenant-platform', () => {
  // GIVEN the example app: tenants acme and globex, each with a workbench agent, data and a model
  const app = new App();
  const [stack] = buildApp(app);
  const template = templateOf(stack);
  const tenants = Object.fromEntries(
    TENANTS.map((spec) => [
      spec.tenant,
      {
        spec,
        role: agentRole(template, `${spec.tenant}-data-science`),
        bucket: arnOf(template, logicalIdOf(stack, `Tenant-${spec.tenant}/TrainingData`)),
        tags: {
          'aws:ResourceTag/ai:tenant': spec.tenant,
          'aws:ResourceTag/ai:classification': 'confidential',
        },
      },
    ]),
  );
  const models = {
    acme: arn('bedrock', REGION, ACCOUNT, 'custom-model-deployment/acme0ft1support'),
    globex: arn('bedrock', REGION, ACCOUNT, 'imported-model/globex0llama3ft'),
  };
  const support: RolePolicies = rolePolicies(template, logicalIdOf(stack, 'Support'));
  const supportSignIn = arn('iam', '', ACCOUNT, `role/${SUPPORT_SIGN_IN_ROLE}`);

  test('synthesizes one small stack; every tenant bucket carries its tenant and has ABAC on', () => {
    // WHEN the stack is synthesized
    const t = Template.fromStack(stack);
    // THEN
    // (with anomaly detection and automatic containment: 3 alarms and 1 filter per agent, the function)
    expect(Object.keys(template.Resources).length).toBeLessThan(55);
    for (const tenant of ['acme', 'globex']) {
      t.hasResourceProperties('AWS::S3::Bucket', {
        AbacStatus: 'Enabled',
        Tags: Match.arrayWith([{ Key: 'ai:tenant', Value: tenant }]),
      });
    }
  });

  test('automatic containment is on: every workbench agent has anomaly alarms that invoke the containment function', () => {
    const resources = Object.entries<any>(template.Resources); // eslint-disable-line @typescript-eslint/no-explicit-any
    const [fn] = resources.find(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && /anomaly alarm fired/.test(r.Properties.Description),
    )!;
    const containing = resources.filter(
      ([, r]) =>
        r.Type === 'AWS::CloudWatch::Alarm' &&
        JSON.stringify(r.Properties.AlarmActions ?? []).includes(`"${fn}"`),
    );
    // two agents x (call volume, denied calls, new service)
    expect(containing).toHaveLength(6);
  });

  describeRulePackTests(
    app,
    stack,
    (
      TENANTS.flatMap((t) =>
        Object.keys(DEMO_BUCKET_CONTROL_TOWER).map(
          (rule) => `${rule} Tenant-${t.tenant}/TrainingData/Resource`,
        ),
      ) as string[]
    ).sort(),
  );

  describe.each([
    ['acme', 'globex'],
    ['globex', 'acme'],
  ])('the %s workbench agent', (own, other) => {
    const me = tenants[own];
    test.each([
      ['reads its own training data', 's3:GetObject', `${me.bucket}/train.jsonl`, me.tags, 'Allowed'],
      ['writes its own training data', 's3:PutObject', `${me.bucket}/train.jsonl`, me.tags, 'Allowed'],
      [
        'reads the other tenant’s data',
        's3:GetObject',
        `${tenants[other].bucket}/train.jsonl`,
        tenants[other].tags,
        'ExplicitlyDenied', // the tenant fence
      ],
      [
        'writes the other tenant’s data',
        's3:PutObject',
        `${tenants[other].bucket}/x.jsonl`,
        tenants[other].tags,
        'ExplicitlyDenied', // the tenant fence
      ],
      [
        'lists the other tenant’s bucket',
        's3:ListBucket',
        tenants[other].bucket,
        tenants[other].tags,
        'ExplicitlyDenied', // the tenant fence
      ],
      ['invokes its own fine-tuned model', 'bedrock:InvokeModel', models[own as 'acme'], {}, 'Allowed'],
      [
        'invokes the other tenant’s model',
        'bedrock:InvokeModel',
        models[other as 'acme'],
        {},
        'ImplicitlyDenied',
      ],
    ])('%s (%s)', async (_what, action, resource, context, expected) => {
      // WHEN the tenant's agent calls the service
      const decision = await simulateAs(me.role, { action, resource, context });
      // THEN it reaches only its own tenant's data and model
      expect(decision).toBe(expected);
    });
  });

  test.each([
    ['acme', 'from acme’s account with the external id', '222222222222', 'acme-workbench-7f3c', 'Allowed'],
    ['acme', 'from acme’s account without the external id', '222222222222', undefined, 'ImplicitlyDenied'],
    [
      'acme',
      'from globex’s account with acme’s external id',
      '333333333333',
      'acme-workbench-7f3c',
      'ImplicitlyDenied',
    ],
    [
      'globex',
      'from globex’s account with the external id',
      '333333333333',
      'globex-workbench-91ad',
      'Allowed',
    ],
  ])('assuming the %s workbench %s', async (tenant, _what, account, externalId, expected) => {
    // WHEN a data scientist of a tenant account asks STS for the workbench role
    const principal = arn('iam', '', account, 'role/data-scientist');
    const context: Record<string, string> = {};
    if (externalId) context['sts:ExternalId'] = externalId;
    // THEN only the tenant's own account, with the agreed external id, gets in
    expect(await simulateCrossAccountAssume(tenants[tenant].role, { principal, context })).toBe(expected);
  });

  describe('cross-tenant support access', () => {
    test.each([
      [
        'with MFA and a source identity',
        { 'aws:MultiFactorAuthPresent': 'true', 'sts:SourceIdentity': 'alice@example.com' },
        'Allowed',
      ],
      [
        'without MFA',
        { 'aws:MultiFactorAuthPresent': 'false', 'sts:SourceIdentity': 'alice@example.com' },
        'ImplicitlyDenied',
      ],
      ['without a source identity', { 'aws:MultiFactorAuthPresent': 'true' }, 'ImplicitlyDenied'],
    ])('signing in %s', async (_what, context, expected) => {
      // WHEN a support engineer's sign-in role assumes the support role
      const decision = await simulateTrust(support, { principal: supportSignIn, context });
      // THEN only MFA sessions that record who they are get in
      expect(decision).toBe(expected);
    });

    test.each([
      ['reads acme’s data', 's3:GetObject', 'acme', 'Allowed'],
      ['reads globex’s data', 's3:GetObject', 'globex', 'Allowed'],
      ['writes acme’s data', 's3:PutObject', 'acme', 'ImplicitlyDenied'],
      ['deletes globex’s data', 's3:DeleteObject', 'globex', 'ImplicitlyDenied'],
    ])('support %s (%s)', async (_what, action, tenant, expected) => {
      // WHEN the support role calls S3 on a tenant bucket
      const { bucket, tags } = tenants[tenant];
      const decision = await simulateAs(support, {
        action,
        resource: `${bucket}/train.jsonl`,
        context: tags,
      });
      // THEN it reads every tenant and changes nothing
      expect(decision).toBe(expected);
    });

    test.each([['acme'], ['globex']])('support cannot invoke %s’s model', async (tenant) => {
      // WHEN the support role invokes a tenant's fine-tuned model THEN it is not granted
      const resource = models[tenant as 'acme'];
      expect(await simulateAs(support, { action: 'bedrock:InvokeModel', resource })).toBe('ImplicitlyDenied');
    });

    test('a session of the support role raises an alarm', () => {
      // WHEN the template is read THEN one metric filter watches the support role's sessions
      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'RoleUse-support-access',
      });
    });
  });

  test('every action of the agents’ and the support role’s policies exists', () => {
    // WHEN the actions of every role's own policies are listed
    const actions = [...Object.values(tenants).flatMap((t) => actionsOf(t.role)), ...actionsOf(support)];
    // THEN each one exists in the IAM catalog
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 'bedrock:InvokeModel']));
    for (const action of actions)
      expect({ action, known: actionIsKnown(action) }).toEqual({ action, known: true });
  });
});
