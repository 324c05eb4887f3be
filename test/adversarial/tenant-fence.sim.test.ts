import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AgentIdentity, AgentRuntime, DataAccess, DataClassification, DataStore, DataTags } from '../../lib';
import { ACCOUNT } from '../helpers/resolve';
import { Decision, RolePolicies, agentRoleId, rolePolicies, simulate } from '../helpers/simulate';
import { newStack } from '../helpers/stacks';

/**
 * Attacker: a platform engineer (or a compromised pipeline) adds access by hand — a broad identity
 * statement, or a resource policy on another tenant's store naming the agent's role. Whatever is
 * granted, an agent must never reach a resource whose `ai:tenant` is not its own: the permissions guardrails
 * carry an explicit deny (the tenant fence), which also stops resource-policy grants.
 */

const REGION = 'us-east-1';
const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;

interface Agents {
  readonly acme: RolePolicies;
  readonly platform: RolePolicies;
  /** The acme agent without the shared boundary: only the permissions-guardrail policies stand. */
  readonly acmeUnbounded: RolePolicies;
}

/** Agents that were (wrongly) granted everything by hand, so only the permissions guardrails can stop them. */
function overGranted(): Agents {
  const { stack } = newStack();
  const make = (agentName: string, props: { tenant?: string; boundaryOptOutReason?: string }) => {
    const agent = new AgentIdentity(stack, agentName, {
      agentName,
      runtime: AgentRuntime.lambdaFunction(),
      ...props,
    });
    agent.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
  };
  make('acme-agent', { tenant: 'acme' });
  make('platform-agent', {});
  make('acme-unbounded', { tenant: 'acme', boundaryOptOutReason: 'legacy integration being migrated off' });
  const template = Template.fromStack(stack).toJSON();
  const role = (name: string) => rolePolicies(template, agentRoleId(template, name));
  return {
    acme: role('acme-agent'),
    platform: role('platform-agent'),
    acmeUnbounded: role('acme-unbounded'),
  };
}

/** KMS needs a key policy that hands access to the account's IAM policies (the default key policy). */
const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
  ],
};
const resourcePolicyOf = (action: string) => (action.startsWith('kms:') ? KEY_POLICY : undefined);

const tagged = (tenant: string) => ({
  'aws:ResourceTag/ai:tenant': tenant,
  'aws:ResourceTag/ai:classification': 'internal',
});

/** A request on another tenant's resource, per data service the fence covers. */
const CROSS_TENANT: [string, string, string][] = [
  ['reads an object of a bucket', 's3:GetObject', 'arn:aws:s3:::globex-inbox/mail/1.eml'],
  ['lists a bucket', 's3:ListBucket', 'arn:aws:s3:::globex-inbox'],
  ['writes an object', 's3:PutObject', 'arn:aws:s3:::globex-inbox/mail/2.eml'],
  ['reads a table item', 'dynamodb:GetItem', arn('dynamodb', 'table/globex-orders')],
  ['scans a table', 'dynamodb:Scan', arn('dynamodb', 'table/globex-orders')],
  ['reads a secret', 'secretsmanager:GetSecretValue', arn('secretsmanager', 'secret:globex-key-AbCdEf')],
  ['decrypts with a key', 'kms:Decrypt', arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab')],
  ['receives from a queue', 'sqs:ReceiveMessage', arn('sqs', 'globex-jobs')],
  ['publishes to a topic', 'sns:Publish', arn('sns', 'globex-alerts')],
  ['retrieves from a knowledge base', 'bedrock:Retrieve', arn('bedrock', 'knowledge-base/KBGLOBEX01')],
];

describe('tenant fence: an agent never reaches another tenant, whatever else is granted', () => {
  const agents = overGranted();

  test.each(CROSS_TENANT)(
    'a tenant agent that %s of another tenant is explicitly denied',
    async (_what, action, resource) => {
      // GIVEN an acme agent granted '*' on '*' by hand
      // WHEN it calls a globex-tagged resource
      const decision = await simulate(agents.acme, {
        action,
        resource,
        context: tagged('globex'),
        bucketAbac: true,
        resourcePolicy: resourcePolicyOf(action),
      });
      // THEN the fence denies it explicitly
      expect(decision).toBe('ExplicitlyDenied');
    },
  );

  test.each(CROSS_TENANT)(
    'without the boundary, a tenant agent that %s of another tenant is still denied',
    async (_what, action, resource) => {
      const decision = await simulate(agents.acmeUnbounded, {
        action,
        resource,
        context: tagged('globex'),
        bucketAbac: true,
      });
      expect(decision).toBe('ExplicitlyDenied');
    },
  );

  test.each(CROSS_TENANT)(
    'a platform agent (no ai:tenant) that %s of a tenant is explicitly denied',
    async (_what, action, resource) => {
      const decision = await simulate(agents.platform, {
        action,
        resource,
        context: tagged('acme'),
        bucketAbac: true,
      });
      expect(decision).toBe('ExplicitlyDenied');
    },
  );

  test('a tenant value differing only in case is another tenant', async () => {
    const decision = await simulate(agents.acme, {
      action: 'dynamodb:GetItem',
      resource: arn('dynamodb', 'table/orders'),
      context: tagged('ACME'),
    });
    expect(decision).toBe('ExplicitlyDenied');
  });

  test.each(CROSS_TENANT)('the fence leaves the own tenant alone: %s', async (_what, action, resource) => {
    // the hand-made grant still works on acme's own data (the fence is not a blanket deny)
    const decision = await simulate(agents.acme, {
      action,
      resource,
      context: tagged('acme'),
      bucketAbac: true,
      resourcePolicy: resourcePolicyOf(action),
    });
    expect(decision).toBe('Allowed');
  });

  test('the fence leaves untagged (platform) resources to the grants', async () => {
    for (const agent of [agents.acme, agents.platform]) {
      const decision = await simulate(agent, {
        action: 'dynamodb:GetItem',
        resource: arn('dynamodb', 'table/shared-config'),
        context: { 'aws:ResourceTag/ai:classification': 'internal' },
      });
      expect(decision).toBe('Allowed');
    }
  });

  describe('S3 objects that carry their tenant (objectTags)', () => {
    const object = 'arn:aws:s3:::shared-inbox/mail/1.eml';
    const objectOf = (tenant: string) => ({ 's3:ExistingObjectTag/ai:tenant': tenant });

    test.each([
      ['s3:GetObject'],
      ['s3:GetObjectVersion'],
      ['s3:GetObjectTagging'],
      ['s3:PutObjectTagging'],
      ['s3:DeleteObjectTagging'],
    ])('%s on another tenant’s object in a shared bucket is explicitly denied', async (action) => {
      expect(await simulate(agents.acme, { action, resource: object, context: objectOf('globex') })).toBe(
        'ExplicitlyDenied',
      );
      expect(await simulate(agents.platform, { action, resource: object, context: objectOf('acme') })).toBe(
        'ExplicitlyDenied',
      );
    });

    test('an object of the own tenant stays reachable', async () => {
      expect(
        await simulate(agents.acme, { action: 's3:GetObject', resource: object, context: objectOf('acme') }),
      ).toBe('Allowed');
    });
  });

  test('a KMS key of another tenant, used through a service (kms:ViaService), is explicitly denied', async () => {
    const decision = await simulate(agents.acme, {
      action: 'kms:Decrypt',
      resource: arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      context: { ...tagged('globex'), 'kms:ViaService': `s3.${REGION}.amazonaws.com` },
      resourcePolicy: KEY_POLICY,
    });
    expect(decision).toBe('ExplicitlyDenied');
  });

  describe('roles of other tenants', () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/globex-worker`;
    test('a tenant agent cannot assume an agent role of another tenant', async () => {
      const decision = await simulate(agents.acme, {
        action: 'sts:AssumeRole',
        resource: role,
        context: { 'aws:ResourceTag/ai:agent': 'globex-worker', 'aws:ResourceTag/ai:tenant': 'globex' },
      });
      expect(decision).toBe('ExplicitlyDenied');
    });

    test('an agent cannot assume a role that is not an agent', async () => {
      const decision = await simulate(agents.acme, {
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::${ACCOUNT}:role/admin`,
      });
      expect(decision).toBe('ExplicitlyDenied');
    });

    test('an agent may assume an agent role of its own tenant (delegation)', async () => {
      const decision = await simulate(agents.acme, {
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::${ACCOUNT}:role/acme-worker`,
        context: { 'aws:ResourceTag/ai:agent': 'acme-worker', 'aws:ResourceTag/ai:tenant': 'acme' },
      });
      expect(decision).toBe('Allowed');
    });
  });
});

describe('tenant fence against resource-policy grants', () => {
  // GIVEN globex's bucket, whose bucket policy (written by hand) names the acme agent's role
  const { stack } = newStack();
  const acme = new AgentIdentity(stack, 'Acme', {
    agentName: 'acme-reader',
    runtime: AgentRuntime.lambdaFunction(),
    tenant: 'acme',
  });
  const own = new s3.Bucket(stack, 'AcmeInbox', { bucketName: 'acme-inbox' });
  DataTags.of(own).apply({ tenant: 'acme', classification: DataClassification.INTERNAL });
  acme.grantData(DataStore.s3Bucket(own), DataAccess.READ);
  const template = Template.fromStack(stack).toJSON();
  const role = rolePolicies(template, agentRoleId(template, 'acme-reader'));
  const bucketPolicy = (principal: string) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: ['arn:aws:s3:::globex-inbox', 'arn:aws:s3:::globex-inbox/*'],
      },
    ],
  });

  test.each([
    ['the role ARN', () => role.roleArn],
    ['the session ARN', () => role.sessionArn],
  ])('a bucket policy of another tenant naming %s is explicitly denied', async (_what, principal) => {
    // WHEN the acme agent reads globex's object through that grant alone
    const decision: Decision = await simulate(role, {
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::globex-inbox/mail/1.eml',
      context: tagged('globex'),
      resourcePolicy: bucketPolicy(principal()),
      bucketAbac: true,
    });
    // THEN the fence denies it explicitly (an implicit deny would not stop a resource policy)
    expect(decision).toBe('ExplicitlyDenied');
  });

  test('the library’s own grant on the own tenant’s bucket still holds', async () => {
    const decision = await simulate(role, {
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::acme-inbox/mail/1.eml',
      context: tagged('acme'),
      bucketAbac: true,
    });
    expect(decision).toBe('Allowed');
  });
});
