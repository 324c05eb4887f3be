import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AgentIdentity, AgentRuntime, DataAccess, DataClassification, DataStore, DataTags } from '../../lib';
import { newStack } from '../helpers/stacks';
import { agentRole, simulateData, storeTags } from './data-sim';

const ACCOUNT = '111111111111';
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
const I = DataClassification.INTERNAL;

// GIVEN one stack with
// - acme's bucket `acme-inbox` (bucket tags, ABAC on), an imported bucket `partner-drop` (tags unknown at synth),
// - a bucket `shared-drop` shared by tenants with per-object tenant tags,
// - a table `orders` partitioned by tenant, with an index,
// - acme's secret, encrypted with a customer managed key,
// and agents: acme-reader (READ), acme-writer (READ_WRITE on the shared bucket and the table), a platform agent.
const { stack } = newStack();
const key = new kms.Key(stack, 'Key');
const inbox = new s3.Bucket(stack, 'Inbox', { bucketName: 'acme-inbox', encryptionKey: key });
DataTags.of(inbox).apply({ tenant: 'acme', classification: I });
const partner = s3.Bucket.fromBucketName(stack, 'Partner', 'partner-drop');
DataTags.of(partner).taggedOutsideThisApp();
const shared = new s3.Bucket(stack, 'Shared', { bucketName: 'shared-drop' });
DataTags.of(shared).apply({ classification: I });
const platformBucket = new s3.Bucket(stack, 'Platform', { bucketName: 'platform-config' });
DataTags.of(platformBucket).apply({ classification: DataClassification.PUBLIC });
const table = new dynamodb.Table(stack, 'Orders', {
  tableName: 'orders',
  partitionKey: { name: 'tenant', type: dynamodb.AttributeType.STRING },
});
table.addGlobalSecondaryIndex({
  indexName: 'byCustomer',
  partitionKey: { name: 'tenantCustomer', type: dynamodb.AttributeType.STRING },
});
DataTags.of(table).apply({ classification: I });
const secret = new secretsmanager.Secret(stack, 'ApiKey', { secretName: 'acme-api-key', encryptionKey: key });
DataTags.of(secret).apply({ tenant: 'acme', classification: I });

const reader = new AgentIdentity(stack, 'Reader', {
  agentName: 'acme-reader',
  runtime: AgentRuntime.lambdaFunction(),
  tenant: 'acme',
});
reader.grantData(DataStore.s3Bucket(inbox, { prefix: 'inbox/' }), DataAccess.READ);
reader.grantData(DataStore.s3Bucket(partner), DataAccess.READ);
reader.grantData(DataStore.secret(secret), DataAccess.READ);
reader.grantData(
  DataStore.dynamoDbTable(table, { tenantPartitioned: true, indexes: ['byCustomer'] }),
  DataAccess.READ,
);

const writer = new AgentIdentity(stack, 'Writer', {
  agentName: 'acme-writer',
  runtime: AgentRuntime.lambdaFunction(),
  tenant: 'acme',
});
writer.grantData(DataStore.s3Bucket(shared, { objectTags: true }), DataAccess.READ_WRITE);
writer.grantData(DataStore.dynamoDbTable(table, { tenantPartitioned: true }), DataAccess.READ_WRITE);

const platform = new AgentIdentity(stack, 'PlatformAgent', {
  agentName: 'platform',
  runtime: AgentRuntime.lambdaFunction(),
});
platform.grantData(DataStore.s3Bucket(platformBucket), DataAccess.READ);
platform.grantData(DataStore.s3Bucket(partner), DataAccess.READ);

const readerRole = agentRole(stack, 'acme-reader');
const writerRole = agentRole(stack, 'acme-writer');
const platformRole = agentRole(stack, 'platform');

type Ctx = Record<string, string | string[]>;

describe('tenant isolation on a bucket of one tenant (bucket tags, bucket ABAC)', () => {
  const rows: [string, string, string, Ctx, string][] = [
    [
      'reads its own object',
      's3:GetObject',
      'arn:aws:s3:::acme-inbox/inbox/1.eml',
      storeTags('acme', I),
      'Allowed',
    ],
    [
      'reads an object of a bucket tagged for tenant B',
      's3:GetObject',
      'arn:aws:s3:::acme-inbox/inbox/1.eml',
      storeTags('globex', I),
      'ExplicitlyDenied',
    ],
    [
      'reads B\u2019s imported bucket (tagged globex at run time)',
      's3:GetObject',
      'arn:aws:s3:::partner-drop/x',
      storeTags('globex', I),
      'ExplicitlyDenied',
    ],
    [
      'reads an imported bucket tagged for its tenant',
      's3:GetObject',
      'arn:aws:s3:::partner-drop/x',
      storeTags('acme', I),
      'Allowed',
    ],
    [
      'reads an untagged imported bucket',
      's3:GetObject',
      'arn:aws:s3:::partner-drop/x',
      {},
      'ImplicitlyDenied',
    ],
    [
      'reads its bucket once classified above its clearance',
      's3:GetObject',
      'arn:aws:s3:::acme-inbox/inbox/1.eml',
      storeTags('acme', 'confidential'),
      'ImplicitlyDenied',
    ],
    [
      'reads outside its prefix',
      's3:GetObject',
      'arn:aws:s3:::acme-inbox/outbox/1.eml',
      storeTags('acme', I),
      'ImplicitlyDenied',
    ],
    [
      'lists its prefix',
      's3:ListBucket',
      'arn:aws:s3:::acme-inbox',
      { ...storeTags('acme', I), 's3:prefix': 'inbox/2024/' },
      'Allowed',
    ],
    [
      'lists the whole bucket',
      's3:ListBucket',
      'arn:aws:s3:::acme-inbox',
      storeTags('acme', I),
      'ImplicitlyDenied',
    ],
    [
      'lists another prefix',
      's3:ListBucket',
      'arn:aws:s3:::acme-inbox',
      { ...storeTags('acme', I), 's3:prefix': 'outbox/' },
      'ImplicitlyDenied',
    ],
    [
      '(READ) puts an object',
      's3:PutObject',
      'arn:aws:s3:::acme-inbox/inbox/1.eml',
      storeTags('acme', I),
      'ImplicitlyDenied',
    ],
    [
      '(READ) deletes an object',
      's3:DeleteObject',
      'arn:aws:s3:::acme-inbox/inbox/1.eml',
      storeTags('acme', I),
      'ImplicitlyDenied',
    ],
    [
      '(READ) reads its secret',
      'secretsmanager:GetSecretValue',
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:acme-api-key-AbCdEf`,
      storeTags('acme', I),
      'Allowed',
    ],
    [
      'reads a secret retagged for tenant B',
      'secretsmanager:GetSecretValue',
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:acme-api-key-AbCdEf`,
      storeTags('globex', I),
      'ExplicitlyDenied',
    ],
    [
      '(READ) overwrites its secret',
      'secretsmanager:PutSecretValue',
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:acme-api-key-AbCdEf`,
      storeTags('acme', I),
      'ImplicitlyDenied',
    ],
  ];
  test.each(rows)('an agent of tenant A that %s: %s', async (_what, action, resource, context, expected) => {
    // WHEN the request is evaluated the way IAM does
    const decision = await simulateData(readerRole, { action, resource, context });
    // THEN
    expect(decision).toBe(expected);
  });

  test('without bucket ABAC the tenant condition fails closed', async () => {
    const decision = await simulateData(readerRole, {
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::acme-inbox/inbox/1.eml',
      context: storeTags('acme', I),
      bucketAbac: false,
    });
    expect(decision).toBe('ImplicitlyDenied');
  });
});

// KMS conditions (kms:ViaService + kms:EncryptionContext:aws:s3:arn / SecretARN) are asserted on the
// template in data-store.test.ts: iam-simulate drops kms:EncryptionContext:<key> context keys (it
// only matches variable keys of the aws:Tag/<key> form), so no KMS allow can be simulated.

describe('a bucket shared by tenants, tenant per object tag', () => {
  const object = 'arn:aws:s3:::shared-drop/reports/q1.pdf';
  const rows: [string, string, Ctx, string][] = [
    [
      'reads an object tagged for its tenant',
      's3:GetObject',
      { 's3:ExistingObjectTag/ai:tenant': 'acme' },
      'Allowed',
    ],
    [
      'reads an object tagged for tenant B',
      's3:GetObject',
      { 's3:ExistingObjectTag/ai:tenant': 'globex' },
      'ExplicitlyDenied',
    ],
    ['reads an object with no tenant tag', 's3:GetObject', {}, 'ImplicitlyDenied'],
    [
      'creates an object labelled with its tenant',
      's3:PutObject',
      { 's3:RequestObjectTag/ai:tenant': 'acme', 's3:if-none-match': '*' },
      'Allowed',
    ],
    [
      'creates an object labelled as tenant B\u2019s',
      's3:PutObject',
      { 's3:RequestObjectTag/ai:tenant': 'globex', 's3:if-none-match': '*' },
      'ExplicitlyDenied',
    ],
    [
      'creates an object without a tenant label',
      's3:PutObject',
      { 's3:if-none-match': '*' },
      'ImplicitlyDenied',
    ],
    [
      'overwrites an existing key (possibly tenant B\u2019s)',
      's3:PutObject',
      { 's3:RequestObjectTag/ai:tenant': 'acme' },
      'ImplicitlyDenied',
    ],
    [
      'relabels its own object as tenant B\u2019s',
      's3:PutObjectTagging',
      { 's3:ExistingObjectTag/ai:tenant': 'acme', 's3:RequestObjectTag/ai:tenant': 'globex' },
      'ExplicitlyDenied',
    ],
    [
      'claims tenant B\u2019s object',
      's3:PutObjectTagging',
      { 's3:ExistingObjectTag/ai:tenant': 'globex', 's3:RequestObjectTag/ai:tenant': 'acme' },
      'ExplicitlyDenied',
    ],
    [
      'retags its own object within its tenant',
      's3:PutObjectTagging',
      { 's3:ExistingObjectTag/ai:tenant': 'acme', 's3:RequestObjectTag/ai:tenant': 'acme' },
      'Allowed',
    ],
    [
      'deletes an object',
      's3:DeleteObject',
      { 's3:ExistingObjectTag/ai:tenant': 'acme' },
      'ImplicitlyDenied',
    ],
  ];
  test.each(rows)('an agent of tenant A that %s: %s', async (_what, action, context, expected) => {
    const decision = await simulateData(writerRole, {
      action,
      resource: object,
      context: { ...storeTags(undefined, I), ...context },
    });
    expect(decision).toBe(expected);
  });
});

describe('a table partitioned by tenant (dynamodb:LeadingKeys)', () => {
  const rows: [string, string, string, Ctx, string][] = [
    ['gets its own item', 'acme-writer', 'dynamodb:GetItem', { 'dynamodb:LeadingKeys': ['acme'] }, 'Allowed'],
    [
      'gets tenant B\u2019s item',
      'acme-writer',
      'dynamodb:GetItem',
      { 'dynamodb:LeadingKeys': ['globex'] },
      'ImplicitlyDenied',
    ],
    [
      'batch-gets its and tenant B\u2019s items',
      'acme-writer',
      'dynamodb:BatchGetItem',
      { 'dynamodb:LeadingKeys': ['acme', 'globex'] },
      'ImplicitlyDenied',
    ],
    [
      'writes its own item',
      'acme-writer',
      'dynamodb:PutItem',
      { 'dynamodb:LeadingKeys': ['acme'] },
      'Allowed',
    ],
    [
      'writes an item into tenant B\u2019s partition',
      'acme-writer',
      'dynamodb:PutItem',
      { 'dynamodb:LeadingKeys': ['globex'] },
      'ImplicitlyDenied',
    ],
    ['scans the table', 'acme-writer', 'dynamodb:Scan', {}, 'ImplicitlyDenied'],
    [
      '(READ_WRITE) deletes its own item',
      'acme-writer',
      'dynamodb:DeleteItem',
      { 'dynamodb:LeadingKeys': ['acme'] },
      'ImplicitlyDenied',
    ],
    [
      '(READ) puts its own item',
      'acme-reader',
      'dynamodb:PutItem',
      { 'dynamodb:LeadingKeys': ['acme'] },
      'ImplicitlyDenied',
    ],
    ['(READ) scans the table', 'acme-reader', 'dynamodb:Scan', {}, 'ImplicitlyDenied'],
    [
      'gets its item once the table is classified above its clearance',
      'acme-writer',
      'dynamodb:GetItem',
      { 'dynamodb:LeadingKeys': ['acme'], 'aws:ResourceTag/ai:classification': 'restricted' },
      'ImplicitlyDenied',
    ],
  ];
  test.each(rows)(
    'an agent of tenant A that %s (%s %s)',
    async (_what, agentName, action, context, expected) => {
      const role = agentName === 'acme-reader' ? readerRole : writerRole;
      const decision = await simulateData(role, {
        action,
        resource: TABLE,
        context: { ...storeTags(undefined, I), ...context },
      });
      expect(decision).toBe(expected);
    },
  );

  test('the reader queries its partition through the index but not tenant B\u2019s', async () => {
    const resource = `${TABLE}/index/byCustomer`;
    const mine = await simulateData(readerRole, {
      action: 'dynamodb:Query',
      resource,
      context: { ...storeTags(undefined, I), 'dynamodb:LeadingKeys': ['acme'] },
    });
    const theirs = await simulateData(readerRole, {
      action: 'dynamodb:Query',
      resource,
      context: { ...storeTags(undefined, I), 'dynamodb:LeadingKeys': ['globex'] },
    });
    expect([mine, theirs]).toEqual(['Allowed', 'ImplicitlyDenied']);
  });
});

describe('a platform agent (no tenant)', () => {
  test.each([
    [
      'reads a store without tenant',
      'arn:aws:s3:::platform-config/app.json',
      storeTags(undefined, 'public'),
      'Allowed',
    ],
    [
      'reads an imported store that turns out to be tenant A\u2019s',
      'arn:aws:s3:::partner-drop/x',
      storeTags('acme', I),
      'ExplicitlyDenied',
    ],
    [
      'reads an imported store without tenant',
      'arn:aws:s3:::partner-drop/x',
      storeTags(undefined, I),
      'Allowed',
    ],
  ])('%s', async (_what, resource, context, expected) => {
    expect(await simulateData(platformRole, { action: 's3:GetObject', resource, context })).toBe(expected);
  });
});
