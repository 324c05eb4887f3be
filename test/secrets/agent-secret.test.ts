import { PERMISSIONS_GUARDRAILS } from '../../lib/identity/private/permissions-guardrails';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AgentIdentity, AgentRuntime, DataClassification } from '../../lib/identity';
import { AgentSecret, AgentSecretProps, SecretRotation } from '../../lib/secrets';
import { actionExists } from '../../lib/shared/iam-catalog';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Built {
  stack: Stack;
  template: Template;
  json: Json;
  reader: AgentIdentity;
  secret: AgentSecret;
}

function agent(
  stack: Stack,
  name: string,
  extra: Partial<{ tenant: string; clearance: DataClassification }> = {},
) {
  return new AgentIdentity(stack, name, {
    agentName: name,
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
    ...extra,
  });
}

function build(
  props: Partial<AgentSecretProps> = {},
  setup?: (stack: Stack) => Partial<AgentSecretProps>,
): Built {
  const { stack } = newStack();
  const reader = agent(stack, 'reader');
  const extra = setup?.(stack) ?? {};
  const secret = new AgentSecret(stack, 'ApiKey', {
    readers: [reader],
    rotation: SecretRotation.generatedApiKey(),
    ...props,
    ...extra,
  });
  const template = Template.fromStack(stack);
  return { stack, template, json: template.toJSON(), reader, secret };
}

const ids = (json: Json, type: string): string[] =>
  Object.entries<Json>(json.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);
const only = (json: Json, type: string): string => {
  const found = ids(json, type);
  expect(found).toHaveLength(1);
  return found[0];
};
const statementsOf = (doc: Json): Json[] => doc?.Statement ?? [];
/** The secret's key (the rotation function's log group has a key of its own, `RotationLogKey`). */
const secretKeys = (json: Json): string[] =>
  ids(json, 'AWS::KMS::Key').filter((id) => !id.includes('RotationLogKey'));
const secretKey = (json: Json): string => {
  const found = secretKeys(json);
  expect(found).toHaveLength(1);
  return found[0];
};
const asList = (v: unknown): string[] => (Array.isArray(v) ? v : [v]) as string[];

/** Every policy document in a template: inline, IAM::Policy, managed, resource and key policies. */
function allPolicyDocuments(json: Json): Json[] {
  const docs: Json[] = [];
  for (const r of Object.values<Json>(json.Resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Role') for (const inline of p.Policies ?? []) docs.push(inline.PolicyDocument);
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(p.PolicyDocument);
    if (r.Type === 'AWS::SecretsManager::ResourcePolicy') docs.push(p.ResourcePolicy);
    if (r.Type === 'AWS::KMS::Key') docs.push(p.KeyPolicy);
  }
  return docs;
}

describe('AgentSecret: secret and key', () => {
  test('the secret is the main child, encrypted with a created key that rotates', () => {
    // GIVEN / WHEN a secret for one reader
    const { json, template, secret } = build();
    // THEN it is an AWS::SecretsManager::Secret with id Resource, under a KMS key with rotation on
    const keyId = secretKey(json);
    const secretId = only(json, 'AWS::SecretsManager::Secret');
    expect(secret.secret.node.path).toBe('TestStack/ApiKey/Resource');
    expect(secret.node.defaultChild).toBeInstanceOf(secretsmanager.CfnSecret);
    expect(secret.node.defaultChild).toBe(secret.secret.node.defaultChild);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      Name: Match.stringLikeRegexp('^TestStackApiKey'),
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
    expect(secretId).toBeDefined();
  });

  test('secret and key are tagged ai:tenant and ai:classification like a data store', () => {
    const { template } = build({ classification: DataClassification.CONFIDENTIAL }, (stack) => ({
      readers: [agent(stack, 'cleared', { clearance: DataClassification.CONFIDENTIAL })],
    }));
    const tags = Match.arrayWith([
      { Key: 'ai:classification', Value: 'confidential' },
      { Key: 'ai:tenant', Value: 'acme' },
    ]);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Tags: tags });
    template.hasResourceProperties('AWS::KMS::Key', { Tags: tags });
  });

  test('the key policy lets the key be used only through Secrets Manager and only for this secret', () => {
    // GIVEN a secret with a key of its own
    const { json } = build();
    const key = json.Resources[secretKey(json)];
    const secretName = json.Resources[only(json, 'AWS::SecretsManager::Secret')].Properties.Name;
    const statements = statementsOf(key.Properties.KeyPolicy);
    // THEN two denies limit every cryptographic operation
    const crypto = [
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'kms:GenerateDataKeyWithoutPlaintext',
      'kms:GenerateDataKeyPair',
      'kms:GenerateDataKeyPairWithoutPlaintext',
      'kms:ReEncryptFrom',
      'kms:ReEncryptTo',
    ];
    expect(statements).toContainEqual({
      Sid: 'DenyUseOutsideSecretsManager',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: crypto,
      Resource: '*',
      Condition: { StringNotEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
    });
    expect(statements).toContainEqual({
      Sid: 'DenyGrantsExceptForAwsServices',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    });
    expect(statements).toContainEqual({
      Sid: 'DenyUseForOtherSecrets',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: crypto,
      Resource: '*',
      Condition: {
        StringNotLike: {
          'kms:EncryptionContext:SecretARN': {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                `:secretsmanager:us-east-1:111111111111:secret:${secretName}-??????`,
              ],
            ],
          },
        },
      },
    });
    // AND the only Allow is the account's administration of its own key (no wildcard grants)
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(JSON.stringify(allows[0].Principal)).toContain(':iam::111111111111:root');
  });

  test('a supplied key is used as is: its policy is not changed and the name is left to CloudFormation', () => {
    // GIVEN a key the caller owns
    const { json } = build({}, (stack) => ({
      encryptionKey: new kms.Key(stack, 'SharedKey', { enableKeyRotation: true }),
    }));
    // THEN the construct creates no key, leaves the key policy with its one default statement
    const keys = secretKeys(json);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^SharedKey/);
    expect(statementsOf(json.Resources[keys[0]].Properties.KeyPolicy)).toHaveLength(1);
    expect(json.Resources[only(json, 'AWS::SecretsManager::Secret')].Properties.Name).toBeUndefined();
  });
});

describe('AgentSecret: who may read', () => {
  test('a reader gets exactly GetSecretValue and DescribeSecret, under the ABAC conditions', () => {
    const { json, reader } = build();
    const roleId = ids(json, 'AWS::IAM::Role').find((id) => id.startsWith('reader'))!;
    const secretId = only(json, 'AWS::SecretsManager::Secret');
    const keyId = secretKey(json);
    const [inline] = json.Resources[roleId].Properties.Policies;
    expect(inline.PolicyName).toBe('AgentAccess');
    expect(statementsOf(inline.PolicyDocument)).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: { Ref: secretId },
        Condition: {
          StringEquals: {
            'aws:ResourceTag/ai:classification': ['public', 'internal'],
            'aws:ResourceTag/ai:tenant': '${aws:PrincipalTag/ai:tenant}',
          },
        },
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: {
          StringEquals: {
            'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com',
            'kms:EncryptionContext:SecretARN': { Ref: secretId },
          },
        },
      },
    ]);
    expect(reader.entitlements).toEqual([expect.objectContaining({ kind: 'secret', auditedResources: [] })]);
    expect(reader.entitlements[0].description).toMatch(/^READ secret TestStack\/ApiKey .*rate\(30 days\)/);
  });

  test('a platform reader requires the secret to carry no tenant tag', () => {
    const { json } = build({}, (stack) => ({ readers: [agent(stack, 'platform', { tenant: undefined })] }));
    const roleId = ids(json, 'AWS::IAM::Role').find((id) => id.startsWith('platform'))!;
    const [first] = statementsOf(json.Resources[roleId].Properties.Policies[0].PolicyDocument);
    expect(first.Condition.Null).toEqual({ 'aws:ResourceTag/ai:tenant': 'true' });
    expect(json.Resources[only(json, 'AWS::SecretsManager::Secret')].Properties.Tags).not.toContainEqual(
      expect.objectContaining({ Key: 'ai:tenant' }),
    );
  });

  test('a writer gets PutSecretValue only, and is not exempt from the read lock', () => {
    const { json } = build({}, (stack) => ({ writers: [agent(stack, 'enroller')] }));
    const writerRole = ids(json, 'AWS::IAM::Role').find((id) => id.startsWith('enroller'))!;
    const statements = statementsOf(json.Resources[writerRole].Properties.Policies[0].PolicyDocument);
    expect(statements.map((s) => s.Action)).toEqual([
      'secretsmanager:PutSecretValue',
      ['kms:Decrypt', 'kms:GenerateDataKey'],
    ]);
    const policy =
      json.Resources[only(json, 'AWS::SecretsManager::ResourcePolicy')].Properties.ResourcePolicy;
    const readLock = statementsOf(policy).find((s) => s.Sid === 'DenyReadExceptReadersAndRotation');
    expect(JSON.stringify(readLock)).not.toContain(writerRole);
    // and is named in the write lock, next to the rotation role
    const writeLock = statementsOf(policy).find((s) => s.Sid === 'DenyValueWritesExceptWritersAndRotation');
    expect(JSON.stringify(writeLock)).toContain(writerRole);
  });

  test('the resource policy denies GetSecretValue to everyone but the readers and the rotation role', () => {
    // GIVEN a secret with one reader and the generated-key rotation
    const { json } = build();
    const readerRole = ids(json, 'AWS::IAM::Role').find((id) => id.startsWith('reader'))!;
    const rotationRole = ids(json, 'AWS::IAM::Role').find((id) => id.includes('RotationServiceRole'))!;
    const secretId = only(json, 'AWS::SecretsManager::Secret');
    // THEN the resource policy holds that deny (before the write lock)
    const resourcePolicy = json.Resources[only(json, 'AWS::SecretsManager::ResourcePolicy')].Properties;
    expect(resourcePolicy.SecretId).toEqual({ Ref: secretId });
    expect(statementsOf(resourcePolicy.ResourcePolicy).slice(0, 1)).toEqual([
      {
        Sid: 'DenyReadExceptReadersAndRotation',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'secretsmanager:GetSecretValue',
        Resource: { Ref: secretId },
        Condition: {
          ArnNotEquals: {
            'aws:PrincipalArn': [
              { 'Fn::GetAtt': [readerRole, 'Arn'] },
              { 'Fn::GetAtt': [rotationRole, 'Arn'] },
            ],
          },
        },
      },
    ]);
  });

  test('the resource policy locks writes: value and stages to writers and rotation, versions to them among agents, the rest to no agent', () => {
    const { json } = build();
    const rotationRole = ids(json, 'AWS::IAM::Role').find((id) => id.includes('RotationServiceRole'))!;
    const policy =
      json.Resources[only(json, 'AWS::SecretsManager::ResourcePolicy')].Properties.ResourcePolicy;
    const bySid = Object.fromEntries(statementsOf(policy).map((s) => [s.Sid, s]));
    const exempt = { ArnNotEquals: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [rotationRole, 'Arn'] }] } };
    const agentsOnly = { Null: { 'aws:PrincipalTag/ai:agent': 'false' } };
    expect(bySid.DenyValueWritesExceptWritersAndRotation).toMatchObject({
      Effect: 'Deny',
      Action: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
      Condition: exempt,
    });
    expect(bySid.DenyValueWritesExceptWritersAndRotation.Condition.Null).toBeUndefined();
    expect(bySid.DenyVersionChangesByOtherAgents).toMatchObject({
      Effect: 'Deny',
      Action: [
        'secretsmanager:CancelRotateSecret',
        'secretsmanager:RestoreSecret',
        'secretsmanager:RotateSecret',
      ],
      Condition: { ...exempt, ...agentsOnly },
    });
    expect(bySid.DenySecretChangesByAgents).toMatchObject({ Effect: 'Deny', Condition: agentsOnly });
    expect(bySid.DenySecretChangesByAgents.Action).toEqual(
      expect.arrayContaining([
        'secretsmanager:UpdateSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:PutResourcePolicy',
      ]),
    );
  });
});

describe('AgentSecret: generated API key rotation', () => {
  test('a rotation schedule every 30 days by default, invoking the shipped function', () => {
    const { json, template } = build();
    const fnId = only(json, 'AWS::Lambda::Function');
    const scheduleId = only(json, 'AWS::SecretsManager::RotationSchedule');
    const permissionId = only(json, 'AWS::Lambda::Permission');
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: only(json, 'AWS::SecretsManager::Secret') },
      RotationLambdaARN: { 'Fn::GetAtt': [fnId, 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    expect(json.Resources[scheduleId].DependsOn).toEqual(expect.arrayContaining([permissionId]));
  });

  test('the function runs Node.js 24 (the latest Lambda runtime) with the key length, logging to a group kept one year', () => {
    const { json, template } = build({ rotation: SecretRotation.generatedApiKey({ length: 48 }) });
    const logGroupId = only(json, 'AWS::Logs::LogGroup');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Environment: { Variables: { KEY_LENGTH: '48' } },
      LoggingConfig: { LogGroup: { Ref: logGroupId } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48 },
    });
  });

  test('the rotation role is trusted by Lambda of this account and may touch only this secret', () => {
    // GIVEN the generated-key rotation
    const { json } = build();
    const roleId = ids(json, 'AWS::IAM::Role').find((id) => id.includes('RotationServiceRole'))!;
    const secretId = only(json, 'AWS::SecretsManager::Secret');
    const keyId = secretKey(json);
    // THEN its trust names Lambda with aws:SourceAccount
    expect(statementsOf(json.Resources[roleId].Properties.AssumeRolePolicyDocument)).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'lambda.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
      },
    ]);
    // AND its one policy, a customer managed policy, holds only the log, staging and key statements
    const attached = Object.values<Json>(json.Resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId),
    );
    expect(attached).toHaveLength(0);
    const policies = Object.entries<Json>(json.Resources).filter(
      ([, r]) =>
        r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r.Properties.Roles ?? []).includes(roleId),
    );
    expect(policies).toHaveLength(1);
    expect(json.Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    const [policyId, policy] = policies[0];
    expect(json.Resources[only(json, 'AWS::Lambda::Function')].DependsOn).toEqual(
      expect.arrayContaining([policyId]),
    );
    const statements = statementsOf(policy.Properties.PolicyDocument);
    expect(statements.map((s) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ],
      ['kms:Decrypt', 'kms:GenerateDataKey'],
    ]);
    expect(statements[1].Resource).toEqual({ Ref: secretId });
    expect(statements[2]).toEqual(
      expect.objectContaining({
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: {
          StringEquals: {
            'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com',
            'kms:EncryptionContext:SecretARN': { Ref: secretId },
          },
        },
      }),
    );
  });

  test('Secrets Manager may invoke the function only for this secret', () => {
    const { json, template } = build();
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [only(json, 'AWS::Lambda::Function'), 'Arn'] },
      SourceArn: { Ref: only(json, 'AWS::SecretsManager::Secret') },
      SourceAccount: '111111111111',
    });
  });

  const schedules: [string, Duration, string][] = [
    ['4 hours', Duration.hours(4), 'rate(4 hours)'],
    ['23 hours', Duration.hours(23), 'rate(23 hours)'],
    ['1 day', Duration.days(1), 'rate(1 day)'],
    ['24 hours', Duration.hours(24), 'rate(1 day)'],
    ['90 days', Duration.days(90), 'rate(90 days)'],
  ];
  test.each(schedules)('every %s renders %s', (_what, every, expression) => {
    const { template } = build({ rotation: SecretRotation.generatedApiKey({ every }) });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: expression },
    });
  });

  test('above 90 days needs a reason, which becomes a warning', () => {
    const { template, stack } = build({
      rotation: SecretRotation.generatedApiKey({
        every: Duration.days(180),
        everyReason: 'the partner accepts a new key only twice a year',
      }),
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(180 days)' },
    });
    Annotations.fromStack(stack).hasWarning('/TestStack/ApiKey', Match.stringLikeRegexp('twice a year'));
  });

  const invalid: [string, SecretRotation, RegExp][] = [
    [
      'below 4 hours',
      SecretRotation.generatedApiKey({ every: Duration.hours(3) }),
      /outside 4 hours to 1000 days/,
    ],
    [
      'not whole hours',
      SecretRotation.generatedApiKey({ every: Duration.minutes(270) }),
      /not a whole number of hours/,
    ],
    [
      'more than a day, not whole days',
      SecretRotation.generatedApiKey({ every: Duration.hours(36) }),
      /not a whole number of days/,
    ],
    [
      'above 90 days without reason',
      SecretRotation.generatedApiKey({ every: Duration.days(91) }),
      /above 90 days.*everyReason/,
    ],
    [
      'above 1000 days',
      SecretRotation.generatedApiKey({ every: Duration.days(1001), everyReason: 'a long enough reason' }),
      /outside 4 hours to 1000 days/,
    ],
    [
      'a key shorter than 32',
      SecretRotation.generatedApiKey({ length: 16 }),
      /length 16 must be a whole number from 32/,
    ],
    ['a fractional key length', SecretRotation.generatedApiKey({ length: 40.5 }), /length 40.5/],
  ];
  test.each(invalid)('a schedule or key %s is a synth-time error', (_what, rotation, message) => {
    expect(() => build({ rotation })).toThrow(message);
  });
});

describe('AgentSecret: other rotations', () => {
  test('lambda(fn) grants the provider function the rotation permissions and lets it read', () => {
    // GIVEN a provider-key rotation function of the caller
    let fnRoleArn: Json;
    const { json } = build({}, (stack) => {
      const fn = new lambda.Function(stack, 'ProviderRotation', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {};'),
      });
      fnRoleArn = stack.resolve(fn.role!.roleArn);
      return { rotation: SecretRotation.lambdaFunction(fn, { every: Duration.days(7) }) };
    });
    // THEN no function of ours is created, the schedule invokes theirs, and their role may read
    expect(ids(json, 'AWS::Lambda::Function')).toHaveLength(1);
    const schedule = json.Resources[only(json, 'AWS::SecretsManager::RotationSchedule')].Properties;
    expect(schedule.RotationRules).toEqual({ ScheduleExpression: 'rate(7 days)' });
    const resourcePolicy =
      json.Resources[only(json, 'AWS::SecretsManager::ResourcePolicy')].Properties.ResourcePolicy;
    expect(statementsOf(resourcePolicy)[0].Condition.ArnNotEquals['aws:PrincipalArn']).toContainEqual(
      fnRoleArn,
    );
    const fnPolicy = Object.values<Json>(json.Resources).find(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes('ProviderRotation'),
    );
    expect(JSON.stringify(fnPolicy.Properties.PolicyDocument)).toContain(
      'secretsmanager:UpdateSecretVersionStage',
    );
    expect(only(json, 'AWS::Lambda::Permission')).toBeDefined();
  });

  test('lambda(fn) with an imported function of unknown role is an error', () => {
    expect(() =>
      build({}, (stack) => ({
        rotation: SecretRotation.lambdaFunction(
          lambda.Function.fromFunctionArn(
            stack,
            'Imported',
            stack.formatArn({ service: 'lambda', resource: 'function:x' }),
          ),
        ),
      })),
    ).toThrow(/has no known role/);
  });

  test('hosted(...) passes through and locks reads against other agents, with a warning', () => {
    const { json, stack } = build({
      rotation: SecretRotation.hosted(secretsmanager.HostedRotation.postgreSqlSingleUser()),
      generateSecretString: { secretStringTemplate: '{"username":"app"}', generateStringKey: 'password' },
    });
    expect(asList(json.Transform)).toContain('AWS::SecretsManager-2024-09-16');
    const schedule = json.Resources[only(json, 'AWS::SecretsManager::RotationSchedule')].Properties;
    expect(schedule.HostedRotationLambda.RotationType).toBe('PostgreSQLSingleUser');
    expect(schedule.RotationRules).toEqual({ ScheduleExpression: 'rate(30 days)' });
    const deny = statementsOf(
      json.Resources[only(json, 'AWS::SecretsManager::ResourcePolicy')].Properties.ResourcePolicy,
    ).find((s) => s.Sid === 'DenyReadExceptReadersAndRotation');
    expect(deny.Condition.Null).toEqual({ 'aws:PrincipalTag/ai:agent': 'false' });
    Annotations.fromStack(stack).hasWarning('/TestStack/ApiKey', Match.stringLikeRegexp('hosted rotation'));
  });
});

describe('AgentSecret: what it refuses', () => {
  const cases: [string, (stack: Stack) => Partial<AgentSecretProps>, RegExp][] = [
    ['no readers', () => ({ readers: [] }), /readers is empty/],
    [
      'a reader of another tenant',
      (stack) => ({ readers: [agent(stack, 'globex', { tenant: 'globex' })], tenant: 'acme' }),
      /serves tenant "globex" but the secret belongs to "acme"/,
    ],
    [
      'readers of two tenants',
      (stack) => ({ readers: [agent(stack, 'a1'), agent(stack, 'g1', { tenant: 'globex' })] }),
      /different tenants/,
    ],
    [
      'a reader whose clearance is too low',
      (stack) => ({ readers: [agent(stack, 'low', { clearance: DataClassification.PUBLIC })] }),
      /clearance "public", below the secret's classification "internal"/,
    ],
    [
      'a reader listed twice',
      (stack) => {
        const a = agent(stack, 'twice');
        return { readers: [a, a] };
      },
      /twice/,
    ],
    ['an invalid tenant', () => ({ tenant: 'bad tenant!' }), /not a valid IAM tag value/],
    ['no rotation', () => ({ rotation: undefined as unknown as SecretRotation }), /rotation is required/],
  ];
  test.each(cases)('%s', (_what, setup, message) => {
    expect(() => build({}, setup)).toThrow(message);
  });

  test('a reader in another stack', () => {
    const app = new App();
    const env = { account: '111111111111', region: 'us-east-1' };
    const agents = new Stack(app, 'Agents', { env });
    const secrets = new Stack(app, 'Secrets', { env });
    const reader = agent(agents, 'far');
    expect(
      () =>
        new AgentSecret(secrets, 'Key', { readers: [reader], rotation: SecretRotation.generatedApiKey() }),
    ).toThrow(/define them in the same stack/);
  });
});

describe('AgentSecret: IAM hygiene', () => {
  const variants: [
    string,
    Partial<AgentSecretProps>,
    ((stack: Stack) => Partial<AgentSecretProps>) | undefined,
  ][] = [
    ['generated API key', {}, (stack) => ({ writers: [agent(stack, 'writer')] })],
    [
      'hosted',
      { rotation: SecretRotation.hosted(secretsmanager.HostedRotation.mysqlSingleUser()) },
      undefined,
    ],
  ];

  test.each(variants)(
    'every action emitted (%s) exists, and no Allow uses a wildcard action',
    (_what, props, setup) => {
      // GIVEN a synthesized secret
      const { json } = build(props, setup);
      const statements = allPolicyDocuments(json)
        .flatMap(statementsOf)
        // The shared permissions guardrails and boundary belong to lib/identity and are tested there.
        .filter((s) => s.Sid !== 'Ceiling' && !PERMISSIONS_GUARDRAILS.some((r) => r.sid === s.Sid));
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements) {
        const actions = asList(s.Action);
        const isKeyAdmin =
          actions.length === 1 && actions[0] === 'kms:*' && JSON.stringify(s.Principal).includes(':root');
        if (isKeyAdmin) continue; // the key's administration by its own account (CDK default key policy)
        for (const action of actions) {
          expect({ action, exists: actionExists(action) }).toEqual({ action, exists: true });
        }
        // in a key policy '*' is the key itself: the log key lets CloudWatch Logs use it for one log group
        const logsOnKey = s.Sid === 'AllowCloudWatchLogsForThisLogGroup' && s.Condition?.ArnEquals;
        if (s.Effect === 'Allow' && !logsOnKey) expect(JSON.stringify(s.Resource ?? null)).not.toBe('"*"');
      }
    },
  );

  test('the grant principal is the agent role (one inline policy, no extra IAM::Policy for readers)', () => {
    const { json } = build();
    const policies = Object.values<Json>(json.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    for (const p of policies) expect(JSON.stringify(p.Properties.Roles)).not.toContain('reader');
    expect(iam.Grant).toBeDefined();
  });
});
