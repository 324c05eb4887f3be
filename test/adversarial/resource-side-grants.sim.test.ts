import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AgentIdentity,
  AgentRuntime,
  AgentSecret,
  BedrockModel,
  DataClassification,
  DataStore,
  DataTags,
  SecretRotation,
} from '../../lib';
import { TemplateResolver } from '../helpers/resolve';
import { Decision, RolePolicies, agentRoleId, rolePolicies, simulate } from '../helpers/simulate';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Resource-side grants (`store.grantRead(grantee)`, `model.grantInvoke(grantee)`,
 * `secret.grantRead(grantee)`), attacked:
 * - an agent of tenant A reached through the store's side must stay inside tenant A, whichever
 *   handle of the agent is passed (the agent, its role, a function running as its role);
 * - a principal that is not an agent gets exactly what the README promises: the store's exact
 *   actions and ARNs under the classification the store declares, nothing of any other store,
 *   and no action of a level it was not granted.
 */
const ENV = { account: '111111111111', region: 'us-east-1' };
const PROFILE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const I = DataClassification.INTERNAL;

function tenantStacks() {
  const stack = new Stack(new App(), 'Grants', { env: ENV });
  const acmeBucket = new s3.Bucket(stack, 'Acme', { bucketName: 'acme-inbox' });
  DataTags.of(acmeBucket).apply({ tenant: 'acme', classification: I });
  const globexBucket = new s3.Bucket(stack, 'Globex', { bucketName: 'globex-inbox' });
  DataTags.of(globexBucket).apply({ tenant: 'globex', classification: I });
  const agentA = new AgentIdentity(stack, 'AgentA', {
    agentName: 'acme-agent',
    runtime: AgentRuntime.lambda(),
    tenant: 'acme',
  });
  const fnA = new lambda.Function(stack, 'FnA', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => 0;'),
    role: agentA.role,
  });
  const acme = DataStore.s3Bucket(acmeBucket, { prefix: 'inbox/' });
  const globex = DataStore.s3Bucket(globexBucket, { prefix: 'inbox/' });
  return { stack, agentA, fnA, acme, globex };
}

const acmeObject = 'arn:aws:s3:::acme-inbox/inbox/1.eml';
const globexObject = 'arn:aws:s3:::globex-inbox/inbox/1.eml';
const tags = (tenant: string, classification = 'internal') => ({
  'aws:ResourceTag/ai:tenant': tenant,
  'aws:ResourceTag/ai:classification': classification,
});

async function on(
  role: RolePolicies,
  action: string,
  resource: string,
  context: Json = {},
): Promise<Decision> {
  return simulate(role, { action, resource, context, bucketAbac: true });
}

describe('attack: an agent of tenant A reached from the store side', () => {
  test.each([
    ['the agent', (g: ReturnType<typeof tenantStacks>) => g.agentA],
    ['its role', (g: ReturnType<typeof tenantStacks>) => g.agentA.role],
    ['its grant principal', (g: ReturnType<typeof tenantStacks>) => g.agentA.grantPrincipal],
    ['a Lambda function running as its role', (g: ReturnType<typeof tenantStacks>) => g.fnA],
  ])(
    "tenant B's store granted to %s fails synth, as agent.grantData does",
    (_what, handle: (g: ReturnType<typeof tenantStacks>) => iam.IGrantable) => {
      // GIVEN tenant B's store WHEN it grants READ to a handle of tenant A's agent
      const g = tenantStacks();
      g.globex.grantRead(handle(g));
      // THEN synth refuses it, naming the agent, both tenants and the fix
      expect(() => Template.fromStack(g.stack)).toThrow(
        /agent acme-agent of tenant "acme" is granted s3 bucket Grants\/Globex, which belongs to tenant "globex"; grant each tenant's agent its own tenant's store/,
      );
    },
  );

  describe('simulated: tenant A’s agent granted its own store through the store side', () => {
    // GIVEN acme's store granted READ to the function running as acme's agent
    const g = tenantStacks();
    g.acme.grantRead(g.fnA);
    const template = Template.fromStack(g.stack).toJSON();
    const agentA = rolePolicies(template, agentRoleId(template, 'acme-agent'));

    test('the grant landed in the agent’s own policy with the ABAC conditions, not a policy of the function', () => {
      const grants = JSON.stringify(agentA.identityPolicies);
      expect(grants).toContain('${aws:PrincipalTag/ai:tenant}');
      expect(Object.values<Json>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy')).toEqual(
        [],
      );
    });

    test.each([
      ['reads its own tenant’s object', 's3:GetObject', acmeObject, tags('acme'), 'Allowed'],
      // not granted, and explicitly denied by the tenant fence
      ['cannot read tenant B’s object', 's3:GetObject', globexObject, tags('globex'), 'ExplicitlyDenied'],
      // the ARN is acme's, but the bucket was re-tagged to another tenant: ABAC and the fence deny it
      [
        'cannot read its store once tagged with tenant B',
        's3:GetObject',
        acmeObject,
        tags('globex'),
        'ExplicitlyDenied',
      ],
      [
        'cannot read above its clearance',
        's3:GetObject',
        acmeObject,
        tags('acme', 'restricted'),
        'ImplicitlyDenied',
      ],
      ['cannot write with a READ grant', 's3:PutObject', acmeObject, tags('acme'), 'ImplicitlyDenied'],
    ])('%s', async (_what, action, resource, context, expected) => {
      expect(await on(agentA, action, resource, context)).toBe(expected);
    });
  });
});

describe('simulated: a principal that is not an agent gets exactly what the docs say', () => {
  // GIVEN a plain ingestion role granted WRITE on acme's prefix, a plain function granted a model,
  // and a plain role made a reader of an AgentSecret
  const g = tenantStacks();
  const ingest = new iam.Role(g.stack, 'Ingest', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  g.acme.grantWrite(ingest);
  const summarizer = new iam.Role(g.stack, 'Summarizer', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  BedrockModel.inferenceProfile(PROFILE).grantInvoke(summarizer);
  const reader = new AgentIdentity(g.stack, 'Reader', {
    agentName: 'reader',
    runtime: AgentRuntime.lambda(),
    tenant: 'acme',
  });
  const secret = new AgentSecret(g.stack, 'ApiKey', {
    readers: [reader],
    rotation: SecretRotation.generatedApiKey(),
  });
  const etl = new iam.Role(g.stack, 'Etl', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  secret.grantRead(etl);
  // and a role of the same account that was (wrongly) given GetSecretValue on '*'
  const wide = new iam.Role(g.stack, 'Wide', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  wide.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'kms:Decrypt'], resources: ['*'] }),
  );

  const template = Template.fromStack(g.stack).toJSON();
  const resolver = new TemplateResolver(template);
  const roleOf = (prefix: string) =>
    rolePolicies(
      template,
      Object.keys(template.Resources).find(
        (id) => id.startsWith(prefix) && template.Resources[id].Type === 'AWS::IAM::Role',
      )!,
    );
  const secretId = Object.keys(template.Resources).find(
    (id) => template.Resources[id].Type === 'AWS::SecretsManager::Secret',
  )!;
  const secretArn = resolver.arn(secretId);
  const secretPolicy = resolver.resolve(
    Object.values<Json>(template.Resources).find((r) => r.Type === 'AWS::SecretsManager::ResourcePolicy')
      .Properties.ResourcePolicy,
  );

  describe('a store grant (WRITE on acme-inbox/inbox/)', () => {
    const role = roleOf('Ingest');
    test.each([
      ['writes under the prefix', 's3:PutObject', acmeObject, tags('acme'), 'Allowed'],
      [
        'not outside the prefix',
        's3:PutObject',
        'arn:aws:s3:::acme-inbox/other/1.eml',
        tags('acme'),
        'ImplicitlyDenied',
      ],
      ['not another tenant’s store', 's3:PutObject', globexObject, tags('globex'), 'ImplicitlyDenied'],
      [
        'not once the store is classified above what it declared',
        's3:PutObject',
        acmeObject,
        tags('acme', 'confidential'),
        'ImplicitlyDenied',
      ],
      ['no read with WRITE', 's3:GetObject', acmeObject, tags('acme'), 'ImplicitlyDenied'],
      ['no delete with WRITE', 's3:DeleteObject', acmeObject, tags('acme'), 'ImplicitlyDenied'],
      ['no listing with WRITE', 's3:ListBucket', 'arn:aws:s3:::acme-inbox', tags('acme'), 'ImplicitlyDenied'],
    ])('%s', async (_what, action, resource, context, expected) => {
      expect(await on(role, action, resource, context)).toBe(expected);
    });
  });

  describe('a model grant (inference profile)', () => {
    const role = roleOf('Summarizer');
    const profileArn = `arn:aws:bedrock:us-east-1:111111111111:inference-profile/${PROFILE}`;
    const model = 'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0';
    test.each([
      ['invokes the profile', 'bedrock:InvokeModel', profileArn, {}, 'Allowed'],
      [
        'reaches the model through the profile',
        'bedrock:InvokeModel',
        model,
        { 'bedrock:InferenceProfileArn': profileArn },
        'Allowed',
      ],
      ['not the model directly', 'bedrock:InvokeModel', model, {}, 'ImplicitlyDenied'],
      [
        'not another model',
        'bedrock:InvokeModel',
        'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0',
        {},
        'ImplicitlyDenied',
      ],
    ])('%s', async (_what, action, resource, context, expected) => {
      expect(await on(role, action, resource, context)).toBe(expected);
    });
  });

  describe('AgentSecret.grantRead of a plain role', () => {
    const get = (role: RolePolicies, context = tags('acme')) =>
      simulate(role, {
        action: 'secretsmanager:GetSecretValue',
        resource: secretArn,
        context,
        resourcePolicy: secretPolicy,
      });
    test('the granted role reads the secret through the read lock', async () => {
      expect(await get(roleOf('Etl'))).toBe('Allowed');
    });
    test('the agent reader still reads it', async () => {
      expect(await get(rolePolicies(template, agentRoleId(template, 'reader')))).toBe('Allowed');
    });
    test('a role granted GetSecretValue on * elsewhere is still locked out', async () => {
      expect(await get(roleOf('Wide'))).toBe('ExplicitlyDenied');
    });
    test('the granted role cannot read it once it is classified above what it was created with', async () => {
      expect(await get(roleOf('Etl'), tags('acme', 'confidential'))).toBe('ImplicitlyDenied');
    });
    test('the granted role cannot write it', async () => {
      expect(
        await simulate(roleOf('Etl'), {
          action: 'secretsmanager:PutSecretValue',
          resource: secretArn,
          context: tags('acme'),
          resourcePolicy: secretPolicy,
        }),
      ).not.toBe('Allowed');
    });
  });
});
