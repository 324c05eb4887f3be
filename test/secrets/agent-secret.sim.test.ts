import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentIdentity, AgentRuntime } from '../../lib/identity';
import { AgentSecret, SecretRotation } from '../../lib/secrets';
import { TemplateResolver } from '../helpers/resolve';
import { agentRoleId, rolePolicies, simulate, RolePolicies } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ACCOUNT = '111111111111';
const VIA_SECRETS_MANAGER = 'secretsmanager.us-east-1.amazonaws.com';

/**
 * GIVEN one secret read by `reader`, written by `writer`, rotated by the generated-key function;
 * and `other`, an agent of the same tenant that was (wrongly) granted GetSecretValue and
 * kms:Decrypt on '*' elsewhere in the account.
 */
function scenario() {
  const { stack } = newStack();
  const reader = new AgentIdentity(stack, 'Reader', {
    agentName: 'reader',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
  });
  const writer = new AgentIdentity(stack, 'Writer', {
    agentName: 'writer',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
  });
  const other = new AgentIdentity(stack, 'Other', {
    agentName: 'other',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
  });
  other.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'kms:Decrypt'], resources: ['*'] }),
  );
  new AgentSecret(stack, 'ApiKey', {
    readers: [reader],
    writers: [writer],
    rotation: SecretRotation.generatedApiKey(),
  });
  const template = Template.fromStack(stack).toJSON();
  const resolver = new TemplateResolver(template);
  const idOf = (type: string) =>
    Object.keys(template.Resources).find((id) => template.Resources[id].Type === type)!;
  const secretId = idOf('AWS::SecretsManager::Secret');
  const keyId = Object.keys(template.Resources).find(
    (id) => template.Resources[id].Type === 'AWS::KMS::Key' && !id.includes('RotationLogKey'),
  )!;
  const rotationRoleId = Object.keys(template.Resources).find(
    (id) => id.includes('RotationServiceRole') && template.Resources[id].Type === 'AWS::IAM::Role',
  )!;
  return {
    reader: rolePolicies(template, agentRoleId(template, 'reader')),
    writer: rolePolicies(template, agentRoleId(template, 'writer')),
    other: rolePolicies(template, agentRoleId(template, 'other')),
    rotation: rolePolicies(template, rotationRoleId),
    secretArn: resolver.arn(secretId),
    keyArn: resolver.arn(keyId),
    secretPolicy: resolver.resolve(
      template.Resources[idOf('AWS::SecretsManager::ResourcePolicy')].Properties.ResourcePolicy,
    ),
    keyPolicy: resolver.resolve(template.Resources[keyId].Properties.KeyPolicy),
  };
}

const s = scenario();
const secretTags = { 'aws:ResourceTag/ai:tenant': 'acme', 'aws:ResourceTag/ai:classification': 'internal' };

async function onSecret(
  role: RolePolicies,
  action: string,
  context: Record<string, string> = secretTags,
  resource = s.secretArn,
) {
  return simulate(role, { action, resource, context, resourcePolicy: s.secretPolicy });
}

/**
 * The simulator drops context keys of the form `kms:EncryptionContext:<key>` (it only resolves
 * variable keys after a '/'), which would make every encryption-context condition "missing". For
 * KMS simulations the key is therefore renamed, in the policies and the request alike, to a
 * stand-in string key the simulator resolves. Operators and values are untouched.
 */
const EC_KEY = 'kms:EncryptionContext:SecretARN';
const EC_STAND_IN = 'aws:ResourceTag/kms-encryption-context-SecretARN';
const shim = <T>(value: T): T => JSON.parse(JSON.stringify(value).split(EC_KEY).join(EC_STAND_IN));

async function onKey(role: RolePolicies, action: string, context: Record<string, string>) {
  return simulate(shim(role), {
    action,
    resource: s.keyArn,
    context: shim(context),
    resourcePolicy: shim(s.keyPolicy),
  });
}

describe('AgentSecret read lock (simulated with the secret resource policy)', () => {
  test('the reader is allowed GetSecretValue and DescribeSecret', async () => {
    expect(await onSecret(s.reader, 'secretsmanager:GetSecretValue')).toBe('Allowed');
    expect(await onSecret(s.reader, 'secretsmanager:DescribeSecret')).toBe('Allowed');
  });

  test('another agent granted GetSecretValue on * is explicitly denied', async () => {
    // WHEN the over-granted agent asks for the value THEN the resource policy denies it
    expect(await onSecret(s.other, 'secretsmanager:GetSecretValue')).toBe('ExplicitlyDenied');
  });

  test('without the resource policy that same agent would have been allowed (the deny is what stops it)', async () => {
    const decision = await simulate(s.other, {
      action: 'secretsmanager:GetSecretValue',
      resource: s.secretArn,
      context: secretTags,
    });
    expect(decision).toBe('Allowed');
  });

  test('a writer may put a value but not read it', async () => {
    expect(await onSecret(s.writer, 'secretsmanager:PutSecretValue')).toBe('Allowed');
    expect(await onSecret(s.writer, 'secretsmanager:GetSecretValue')).toBe('ExplicitlyDenied');
  });

  test('the reader may not write, rotate, delete or read another secret', async () => {
    // the write lock of the resource policy denies them explicitly, whatever the reader is granted
    expect(await onSecret(s.reader, 'secretsmanager:PutSecretValue')).toBe('ExplicitlyDenied');
    expect(await onSecret(s.reader, 'secretsmanager:UpdateSecretVersionStage')).toBe('ExplicitlyDenied');
    expect(await onSecret(s.reader, 'secretsmanager:DeleteSecret')).toBe('ExplicitlyDenied');
    const elsewhere = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:other-AbCdEf`;
    expect(
      await simulate(s.reader, {
        action: 'secretsmanager:GetSecretValue',
        resource: elsewhere,
        context: secretTags,
      }),
    ).toBe('ImplicitlyDenied');
  });

  test('the reader is refused once the secret is relabelled to another tenant or a higher classification', async () => {
    const globex = { ...secretTags, 'aws:ResourceTag/ai:tenant': 'globex' };
    const restricted = { ...secretTags, 'aws:ResourceTag/ai:classification': 'restricted' };
    // another tenant's secret: explicitly denied by the tenant fence of the permissions guardrails
    expect(await onSecret(s.reader, 'secretsmanager:GetSecretValue', globex)).toBe('ExplicitlyDenied');
    expect(await onSecret(s.reader, 'secretsmanager:GetSecretValue', restricted)).toBe('ImplicitlyDenied');
  });

  test('the rotation role may run the four steps on this secret only', async () => {
    for (const action of [
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
    ]) {
      expect({ action, decision: await onSecret(s.rotation, action) }).toEqual({
        action,
        decision: 'Allowed',
      });
    }
    expect(await onSecret(s.rotation, 'secretsmanager:DeleteSecret')).toBe('ImplicitlyDenied');
    expect(await onSecret(s.rotation, 'secretsmanager:PutResourcePolicy')).toBe('ImplicitlyDenied');
    const elsewhere = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:other-AbCdEf`;
    expect(await simulate(s.rotation, { action: 'secretsmanager:GetSecretValue', resource: elsewhere })).toBe(
      'ImplicitlyDenied',
    );
  });
});

describe('AgentSecret key (simulated with the key policy)', () => {
  const forThisSecret = () => ({ 'kms:ViaService': VIA_SECRETS_MANAGER, [EC_KEY]: s.secretArn });

  test('the reader may decrypt through Secrets Manager for this secret', async () => {
    expect(await onKey(s.reader, 'kms:Decrypt', forThisSecret())).toBe('Allowed');
  });

  test('the reader may not decrypt directly, or for another secret', async () => {
    expect(await onKey(s.reader, 'kms:Decrypt', { [EC_KEY]: s.secretArn })).toBe('ExplicitlyDenied');
    const other = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:other-AbCdEf`;
    expect(await onKey(s.reader, 'kms:Decrypt', { ...forThisSecret(), [EC_KEY]: other })).toBe(
      'ExplicitlyDenied',
    );
  });

  test('an agent granted kms:Decrypt on * cannot use the key outside Secrets Manager or for another secret', async () => {
    expect(await onKey(s.other, 'kms:Decrypt', { [EC_KEY]: s.secretArn })).toBe('ExplicitlyDenied');
    const other = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:other-AbCdEf`;
    expect(await onKey(s.other, 'kms:Decrypt', { ...forThisSecret(), [EC_KEY]: other })).toBe(
      'ExplicitlyDenied',
    );
  });

  test('that agent passes the key policy through Secrets Manager for this secret (the secret policy stops it)', async () => {
    expect(await onKey(s.other, 'kms:Decrypt', forThisSecret())).toBe('Allowed');
  });

  test('the rotation role may decrypt and generate data keys for this secret through Secrets Manager', async () => {
    expect(await onKey(s.rotation, 'kms:Decrypt', forThisSecret())).toBe('Allowed');
    expect(await onKey(s.rotation, 'kms:GenerateDataKey', forThisSecret())).toBe('Allowed');
    expect(await onKey(s.rotation, 'kms:Encrypt', forThisSecret())).toBe('ImplicitlyDenied');
  });

  test('the key policy names the secret by the ARN the secret really gets', () => {
    const deny: Json = s.keyPolicy.Statement.find((st: Json) => st.Sid === 'DenyUseForOtherSecrets');
    const pattern = new RegExp(
      `^${deny.Condition.StringNotLike['kms:EncryptionContext:SecretARN'].replace(/\?/g, '.')}$`,
    );
    expect(s.secretArn).toMatch(pattern);
  });
});
