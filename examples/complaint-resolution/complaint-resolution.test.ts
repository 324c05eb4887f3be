import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { simulateTrust } from '../../test/helpers/simulate';
import { describeRulePackTests } from '../_shared/standard-tests';
import {
  ACCOUNT,
  actionIsKnown,
  actionsOf,
  agentRole,
  arn,
  arnOf,
  logicalIdOf,
  simulateAs,
  templateOf,
} from '../_shared/simulation';
import { RECORD_TAG, buildApp } from './app';

describe('example: complaint-resolution', () => {
  // GIVEN the example app: an orchestrator and a worker it delegates one CRM record to
  const app = new App();
  const [stack] = buildApp(app);
  const template = templateOf(stack);
  const orchestrator = agentRole(template, 'complaint-orchestrator');
  const worker = agentRole(template, 'complaint-worker');
  const crm = arnOf(template, logicalIdOf(stack, 'CrmRecords'));
  const confidential = { 'aws:ResourceTag/ai:classification': 'confidential' };
  const record = 'C-1001';
  const passing = (tags: Record<string, string>, extra: Record<string, string | string[]> = {}) => ({
    'aws:PrincipalArn': orchestrator.roleArn,
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    ...(Object.keys(tags).length ? { 'aws:TagKeys': Object.keys(tags) } : {}),
    ...extra,
  });

  test('synthesizes one small stack; the worker role trusts only the orchestrator, for one hour', () => {
    // WHEN the stack is synthesized
    Template.fromStack(stack);
    // THEN
    expect(Object.keys(template.Resources).length).toBeLessThan(40);
    // one hour: CloudFormation's default, so the property is left out of the template
    expect(template.Resources[worker.logicalId].Properties.MaxSessionDuration).toBeUndefined();
    const principals = []
      .concat(worker.trustPolicy.Statement)
      .map((s: { Principal: unknown }) => s.Principal);
    expect(principals).toEqual(principals.map(() => ({ AWS: orchestrator.roleArn })));
  });

  describeRulePackTests(app, stack);

  describe('delegation (the worker role’s trust policy)', () => {
    const other = arn('iam', '', ACCOUNT, 'role/some-other-agent');
    test.each([
      [
        'with the record tag',
        'sts:AssumeRole',
        orchestrator.sessionArn,
        passing({ [RECORD_TAG]: record }),
        'Allowed',
      ],
      [
        'tagging the session with it',
        'sts:TagSession',
        orchestrator.sessionArn,
        passing({ [RECORD_TAG]: record }),
        'Allowed',
      ],
      ['without the record tag', 'sts:AssumeRole', orchestrator.sessionArn, passing({}), 'ImplicitlyDenied'],
      [
        'with an extra tag that would override its tenant',
        'sts:TagSession',
        orchestrator.sessionArn,
        passing({ [RECORD_TAG]: record, 'ai:tenant': 'globex' }),
        'ImplicitlyDenied',
      ],
      [
        'with the record tag made transitive',
        'sts:TagSession',
        orchestrator.sessionArn,
        passing({ [RECORD_TAG]: record }, { 'sts:TransitiveTagKeys': [RECORD_TAG] }),
        'ImplicitlyDenied',
      ],
      [
        'by another role, with the tag',
        'sts:AssumeRole',
        other,
        { ...passing({ [RECORD_TAG]: record }), 'aws:PrincipalArn': other },
        'ImplicitlyDenied',
      ],
    ])(
      'the orchestrator assuming the worker %s (%s)',
      async (_what, action, principal, context, expected) => {
        // WHEN the caller asks STS for a worker session
        const decision = await simulateTrust(worker, { principal, action, context });
        // THEN only the orchestrator, passing exactly the record tag, gets in
        expect(decision).toBe(expected);
      },
    );

    test.each([
      ['with the record tag', passing({ [RECORD_TAG]: record }), 'Allowed'],
      ['without the record tag', passing({}), 'ImplicitlyDenied'],
    ])(
      'the orchestrator’s own policy allows assuming the worker %s: %s',
      async (_what, context, expected) => {
        // WHEN the orchestrator calls sts:AssumeRole on the worker role
        const decision = await simulateAs(orchestrator, {
          action: 'sts:AssumeRole',
          resource: worker.roleArn,
          // the worker role's own tags, as IAM sees them on the role it assumes
          context: { ...context, 'aws:ResourceTag/ai:agent': 'complaint-worker' },
        });
        // THEN its identity policy, too, requires the tag
        expect(decision).toBe(expected);
      },
    );
  });

  describe('the worker session on the CRM table', () => {
    test.each([
      ['updates its record', 'dynamodb:UpdateItem', { [RECORD_TAG]: record }, [record], 'Allowed'],
      ['reads its record', 'dynamodb:GetItem', { [RECORD_TAG]: record }, [record], 'Allowed'],
      [
        'updates another record',
        'dynamodb:UpdateItem',
        { [RECORD_TAG]: record },
        ['C-2002'],
        'ImplicitlyDenied',
      ],
      ['reads another record', 'dynamodb:GetItem', { [RECORD_TAG]: record }, ['C-2002'], 'ImplicitlyDenied'],
      ['updates without a session tag', 'dynamodb:UpdateItem', {}, [record], 'ImplicitlyDenied'],
      ['scans the table', 'dynamodb:Scan', { [RECORD_TAG]: record }, [], 'ImplicitlyDenied'],
      [
        'puts a new item under its key',
        'dynamodb:PutItem',
        { [RECORD_TAG]: record },
        [record],
        'ImplicitlyDenied',
      ],
      ['deletes its record', 'dynamodb:DeleteItem', { [RECORD_TAG]: record }, [record], 'ImplicitlyDenied'],
    ])('%s (%s)', async (_what, action, sessionTags, keys, expected) => {
      // WHEN a worker session with the given session tags calls DynamoDB for the given partition keys
      const context = { ...confidential, ...(keys.length ? { 'dynamodb:LeadingKeys': keys } : {}) };
      const decision = await simulateAs(worker, { action, resource: crm, sessionTags, context });
      // THEN it reaches exactly the record named by its ai:record tag
      expect(decision).toBe(expected);
    });
  });

  test.each([
    ['dynamodb:GetItem', 'Allowed'],
    ['dynamodb:UpdateItem', 'ImplicitlyDenied'],
  ])('the orchestrator itself calling %s on a record: %s', async (action, expected) => {
    // WHEN the orchestrator calls DynamoDB directly
    const context = { ...confidential, 'dynamodb:LeadingKeys': [record] };
    // THEN it reads but writes only through a delegated worker
    expect(await simulateAs(orchestrator, { action, resource: crm, context })).toBe(expected);
  });

  test('every action of both agents’ policies exists', () => {
    // WHEN the actions of both agents' own policies are listed
    const actions = [...actionsOf(orchestrator), ...actionsOf(worker)];
    // THEN each one exists in the IAM catalog
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:UpdateItem', 'sts:AssumeRole', 'sts:TagSession']),
    );
    for (const action of actions)
      expect({ action, known: actionIsKnown(action) }).toEqual({ action, known: true });
  });
});
