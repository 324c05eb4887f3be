import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataClassification, DataStore, DataTags, SupportAccess } from '../../lib';
import { actionExists } from '../../lib/shared/iam-catalog';
import { rolePolicies, simulateTrust } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';
import { simulateData, storeTags } from './data-sim';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const SUPPORT_ACCOUNT = '222222222222';
// the support engineers' role (same account, named directly in the trust: no identity policy needed)
const CALLER = 'arn:aws:iam::111111111111:role/support-engineer';
const I = DataClassification.INTERNAL;

function supportStack() {
  const { stack } = newStack();
  const acme = new s3.Bucket(stack, 'Acme', { bucketName: 'acme-inbox' });
  DataTags.of(acme).apply({ tenant: 'acme', classification: I });
  const globex = new s3.Bucket(stack, 'Globex', { bucketName: 'globex-inbox' });
  DataTags.of(globex).apply({ tenant: 'globex', classification: I });
  const table = new dynamodb.Table(stack, 'Orders', {
    tableName: 'orders',
    partitionKey: { name: 'tenant', type: dynamodb.AttributeType.STRING },
  });
  DataTags.of(table).apply({ classification: I });
  const support = new SupportAccess(stack, 'Support', {
    assumedBy: new iam.ArnPrincipal(CALLER),
    stores: [
      DataStore.s3Bucket(acme),
      DataStore.s3Bucket(globex),
      DataStore.dynamoDbTable(table, { tenantPartitioned: true }),
    ],
  });
  return { stack, support };
}

describe('SupportAccess', () => {
  // GIVEN a support role over two tenants' buckets and a tenant-partitioned table
  const { stack } = supportStack();
  const template = Template.fromStack(stack).toJSON();
  const roleId = Object.keys(template.Resources).find(
    (id) => template.Resources[id].Properties?.Description === 'Cross-tenant read-only support access',
  )!;
  const role = rolePolicies(template, roleId);

  test('sessions last at most one hour', () => {
    expect(template.Resources[roleId].Properties.MaxSessionDuration).toBe(3600);
  });

  test('the trust requires MFA and a source identity, for AssumeRole and SetSourceIdentity', () => {
    const statements: Json[] = role.trustPolicy.Statement;
    expect(statements.map((s) => s.Action).sort()).toEqual(['sts:AssumeRole', 'sts:SetSourceIdentity']);
    for (const s of statements) {
      expect(s.Condition).toEqual({
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        Null: { 'sts:SourceIdentity': 'false' },
      });
    }
  });

  const caller = CALLER;
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
  ])('assuming the role %s', async (_what, context, expected) => {
    // WHEN a principal of the trusted account assumes the role
    const decision = await simulateTrust(role, { principal: caller, context });
    // THEN only an MFA session that records its source identity gets in
    expect(decision).toBe(expected);
  });

  test('setting the source identity needs MFA too', async () => {
    const decision = await simulateTrust(role, {
      principal: caller,
      action: 'sts:SetSourceIdentity',
      context: { 'aws:MultiFactorAuthPresent': 'true', 'sts:SourceIdentity': 'alice@example.com' },
    });
    expect(decision).toBe('Allowed');
  });

  test.each([
    [
      'reads tenant A\u2019s object',
      's3:GetObject',
      'arn:aws:s3:::acme-inbox/x',
      storeTags('acme', I),
      'Allowed',
    ],
    [
      'reads tenant B\u2019s object',
      's3:GetObject',
      'arn:aws:s3:::globex-inbox/x',
      storeTags('globex', I),
      'Allowed',
    ],
    [
      'reads an object classified above its clearance',
      's3:GetObject',
      'arn:aws:s3:::acme-inbox/x',
      storeTags('acme', 'restricted'),
      'ImplicitlyDenied',
    ],
    [
      'writes an object',
      's3:PutObject',
      'arn:aws:s3:::acme-inbox/x',
      storeTags('acme', I),
      'ImplicitlyDenied',
    ],
    [
      'deletes an object',
      's3:DeleteObject',
      'arn:aws:s3:::acme-inbox/x',
      storeTags('acme', I),
      'ImplicitlyDenied',
    ],
    [
      'gets any tenant\u2019s item',
      'dynamodb:GetItem',
      'arn:aws:dynamodb:us-east-1:111111111111:table/orders',
      { ...storeTags(undefined, I), 'dynamodb:LeadingKeys': ['globex'] },
      'Allowed',
    ],
    [
      'scans the partitioned table',
      'dynamodb:Scan',
      'arn:aws:dynamodb:us-east-1:111111111111:table/orders',
      storeTags(undefined, I),
      'ImplicitlyDenied',
    ],
    [
      'writes an item',
      'dynamodb:PutItem',
      'arn:aws:dynamodb:us-east-1:111111111111:table/orders',
      { ...storeTags(undefined, I), 'dynamodb:LeadingKeys': ['acme'] },
      'ImplicitlyDenied',
    ],
  ])('support that %s: %s', async (_what, action, resource, context, expected) => {
    expect(await simulateData(role, { action, resource, context })).toBe(expected);
  });

  test('every action it emits exists', () => {
    const actions = role.identityPolicies.flatMap((p) =>
      [].concat(p.policy.Statement).flatMap((s: Json) => [].concat(s.Action)),
    );
    expect(actions.length).toBeGreaterThan(0);
    for (const action of [...actions, 'sts:AssumeRole', 'sts:SetSourceIdentity'])
      expect({ action, ok: actionExists(action) }).toEqual({ action, ok: true });
  });
});

describe('SupportAccess errors', () => {
  test('no stores is refused', () => {
    const { stack } = newStack();
    expect(
      () =>
        new SupportAccess(stack, 'S', { assumedBy: new iam.AccountPrincipal(SUPPORT_ACCOUNT), stores: [] }),
    ).toThrow(/stores must list at least one DataStore/);
  });

  test('a store above the support clearance fails synth', () => {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'B');
    DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.RESTRICTED });
    new SupportAccess(stack, 'S', {
      assumedBy: new iam.AccountPrincipal(SUPPORT_ACCOUNT),
      stores: [DataStore.s3Bucket(bucket)],
    });
    expect(() => Template.fromStack(stack)).toThrow(
      /support role TestStack\/S \(clearance internal\) is granted s3 bucket TestStack\/B, classified restricted/,
    );
  });
});
