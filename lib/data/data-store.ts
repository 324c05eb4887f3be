import { Annotations, Lazy, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { IAgentDataStore, IAgentIdentity, IDataAccess } from '../identity/agent-capabilities';
import { DataClassification } from '../identity/data-classification';
import { classificationsAtOrBelow, isCleared } from '../identity/private/classification-ladder';
import { failAt, show } from '../shared/errors';
import { requireGranted, resolveGrantee } from '../identity/private/agent-grantee';
import { DataAccess } from './data-access';
import { DataTags } from './data-tags';
import { DynamoDbTableKind, DynamoDbTableStoreOptions } from './dynamodb-table-kind';
import { KmsKeyKind } from './kms-key-kind';
import { S3BucketKind, S3BucketStoreOptions } from './s3-bucket-kind';
import { SecretKind } from './secret-kind';
import { SqsQueueKind } from './sqs-queue-kind';
import { StoreGrantContext, StoreKind, TenantReach } from './store-kind';
import { deferFactoryErrors, failIfInvalid } from '../shared/deferred-factory-errors';

/**
 * A data store an agent can be granted, with tag-based (ABAC) conditions:
 * `agent.grantData(DataStore.s3Bucket(bucket, { prefix: 'inbox/' }), DataAccess.READ)`.
 *
 * Every grant names the store's exact ARNs and exact actions, and requires
 * - the store's `ai:classification` to be at or below the agent's clearance
 *   (`aws:ResourceTag/ai:classification`), and
 * - for a tenant agent, the store's (or object's / item's) tenant to be the agent's
 *   (`aws:ResourceTag/ai:tenant == ${aws:PrincipalTag/ai:tenant}`, or the service's own key);
 *   for a platform agent (no tenant), the store must carry no `ai:tenant` at all
 *   (`Null: aws:ResourceTag/ai:tenant`), never "every tenant".
 *
 * Stores tagged with `DataTags` are also checked at synth: a tenant agent granted another
 * tenant's store, a platform store, or a store above its clearance fails `cdk synth`.
 */
export class DataStore implements IAgentDataStore {
  /** An S3 general purpose bucket, optionally limited to one key prefix. */
  public static s3Bucket(bucket: s3.IBucket, options: S3BucketStoreOptions = {}): DataStore {
    requireStore(bucket, 'DataStore.s3Bucket needs a bucket (s3.IBucket)');
    return new DataStore(new S3BucketKind(bucket, options));
  }

  /** A DynamoDB table, optionally partitioned by tenant. */
  public static dynamoDbTable(table: dynamodb.ITable, options: DynamoDbTableStoreOptions = {}): DataStore {
    requireStore(table, 'DataStore.dynamoDbTable needs a table (dynamodb.ITable)');
    return new DataStore(new DynamoDbTableKind(table, options));
  }

  /** A Secrets Manager secret. */
  public static secret(secret: secretsmanager.ISecret): DataStore {
    requireStore(secret, 'DataStore.secret needs a secret (secretsmanager.ISecret)');
    return new DataStore(new SecretKind(secret));
  }

  /** A KMS key the agent uses directly (READ = Decrypt, WRITE = Encrypt + GenerateDataKey). */
  public static kmsKey(key: kms.IKey): DataStore {
    requireStore(key, 'DataStore.kmsKey needs a key (kms.IKey)');
    return new DataStore(new KmsKeyKind(key));
  }

  /** An SQS queue (READ = receive, WRITE = send / change visibility, DELETE = delete messages). */
  public static sqsQueue(queue: sqs.IQueue): DataStore {
    requireStore(queue, 'DataStore.sqsQueue needs a queue (sqs.IQueue)');
    return new DataStore(new SqsQueueKind(queue));
  }

  private constructor(private readonly store: StoreKind) {}

  /** The store's construct (bucket, table, ...). */
  public get construct(): IConstruct {
    return this.store.scope;
  }

  /** Grants `agent` the given access under the tenant and classification conditions. */
  public grantToAgent(agent: IAgentIdentity, access: IDataAccess): iam.Grant {
    failIfInvalid(agent, this);
    const level = DataAccess._resolve(agent, access);
    const reach: TenantReach = agent.tenant === undefined ? 'none' : 'principal';
    const grant = this.grant(agent, {
      tenant: reach,
      classifications: classificationsAtOrBelow(agent.clearance),
      access: level,
      grantee: agent,
    });
    const store = this.store;
    if (agent.tenant !== undefined && Token.isUnresolved(agent.tenant)) {
      Annotations.of(agent).addWarningV2(
        'cdk-agent-identity:unresolved-agent-tenant',
        `the agent's tenant is only known at deploy time: its grant on ${store.kind} ${store.scope.node.path} cannot be checked against the store's tenant at synth; the IAM conditions and the tenant fence decide at run time`,
      );
    }
    agent.node.addValidation({
      validate: () =>
        tagProblems(store, {
          tenant: agent.tenant,
          clearance: agent.clearance,
          who: `agent ${agent.agentName}`,
        }),
    });
    agent.recordEntitlement({
      kind: 'data',
      description: `${level.level} ${store.kind} ${store.scope.node.path}${store.detail}`,
      auditedResources: store.auditedResources(),
    });
    return grant;
  }

  /**
   * Grants `grantee` read access (`DataAccess.READ`) to this store, from the store's side.
   * See `grantData` for what an agent and any other principal get.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grantData(grantee, DataAccess.READ);
  }

  /** Grants `grantee` `DataAccess.WRITE` (create and update, never delete). See `grantData`. */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.grantData(grantee, DataAccess.WRITE);
  }

  /** Grants `grantee` `DataAccess.READ_WRITE` (still no delete). See `grantData`. */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return this.grantData(grantee, DataAccess.READ_WRITE);
  }

  /** Grants `grantee` `DataAccess.DELETE` (delete only). See `grantData`. */
  public grantDelete(grantee: iam.IGrantable): iam.Grant {
    return this.grantData(grantee, DataAccess.DELETE);
  }

  /**
   * Grants `grantee` the given access to this store, from the store's side (the mirror of
   * `agent.grantData(store, access)`).
   *
   * - An agent (the `AgentIdentity`, its `role`, or a construct that runs as its role, such as a
   *   Lambda function created with `role: agent.role`) gets exactly what `agent.grantData(store, access)`
   *   gives: the same statements in its own policy, under its tenant and clearance, checked at synth,
   *   recorded as its entitlement and in the evidence report.
   * - Any other role, user or group of this app (or a construct that runs as one) gets the same
   *   exact actions and ARNs (prefix, indexes, KMS through the store's service), conditioned on the
   *   store's `ai:classification` being at or below the classification the store declares with
   *   `DataTags`, and with no tenant condition: such a principal has no tenant, so the exact ARN of
   *   this one store is the boundary. A store shared by tenants (`objectTags: true`,
   *   `tenantPartitioned: true`) is refused for such a principal, because the grant would reach every
   *   tenant's data: grant an agent of the tenant, or use `SupportAccess` for audited read-only access
   *   across tenants. The store needs `DataTags.apply` (a store tagged outside this app is refused:
   *   its classification is unknown). Principals without an identity policy in this app (e.g.
   *   `iam.ArnPrincipal`) are refused.
   */
  public grantData(grantee: iam.IGrantable, access: IDataAccess): iam.Grant {
    const store = this.store;
    const resolved = resolveGrantee(grantee, `${store.kind} ${store.scope.node.path}`, store.scope);
    if (resolved.agent) return this.grantToAgent(resolved.agent, access);
    return this.grantToPrincipal(resolved.principal, access);
  }

  /**
   * Grants read-only access across every tenant, up to `clearance` (used by `SupportAccess`).
   * Tenant-partitioned tables still get no Scan.
   */
  public grantCrossTenantRead(
    grantee: iam.IGrantable & IConstruct,
    clearance: DataClassification,
  ): iam.Grant {
    failIfInvalid(grantee, this);
    const store = this.store;
    grantee.node.addValidation({
      validate: () =>
        tagProblems(store, {
          tenant: undefined,
          clearance,
          who: `support role ${grantee.node.path}`,
          anyTenant: true,
        }),
    });
    return this.grant(grantee, {
      tenant: 'any',
      classifications: classificationsAtOrBelow(clearance),
      access: DataAccess.READ,
      grantee,
    });
  }

  /** A store-side grant to a principal that is not an agent: see `grantData`. */
  private grantToPrincipal(principal: iam.IPrincipal & IConstruct, access: IDataAccess): iam.Grant {
    const store = this.store;
    const name = `${store.kind} ${store.scope.node.path}`;
    const level = DataAccess._resolve(principal, access);
    if (store.tenantOn === 'item') {
      failAt(
        principal,
        `${name}${store.detail} is shared by tenants (each object or item carries its tenant), and this principal is not an agent, so it has no tenant: ` +
          `a ${level.level} grant would reach every tenant's data; grant an AgentIdentity of the tenant (store.grantData(agent, access)), ` +
          `or use SupportAccess for audited read-only access across tenants`,
      );
    }
    principal.node.addValidation({ validate: () => principalTagProblems(store, principal) });
    // cleared exactly to what the store declares, read when the template is rendered (DataTags may come later)
    const classifications = Lazy.list({
      produce: () => {
        const tags = DataTags.lookup(store.scope);
        return tags ? classificationsAtOrBelow(tags.classification) : [];
      },
    });
    const grant = this.grant(principal, {
      tenant: 'any',
      classifications,
      access: level,
      grantee: principal,
    });
    return requireGranted(grant, principal, name);
  }

  private grant(grantee: iam.IGrantable, ctx: StoreGrantContext): iam.Grant {
    const statements = this.store.statements(ctx);
    const grants = statements.map((s) =>
      iam.Grant.addToPrincipal({
        grantee,
        actions: s.actions,
        resourceArns: s.resources,
        conditions: s.conditions,
      }),
    );
    return grants.slice(1).reduce((all, g) => all.combine(g), grants[0]);
  }
}

interface Grantee {
  readonly tenant?: string;
  readonly clearance: DataClassification;
  readonly who: string;
  /** Support access: any tenant may be read. */
  readonly anyTenant?: boolean;
}

/** What is wrong between a store's DataTags and a grantee, as synth errors. */
function tagProblems(store: StoreKind, grantee: Grantee): string[] {
  const tags = DataTags.lookup(store.scope);
  const name = `${store.kind} ${store.scope.node.path}`;
  if (!tags) {
    if (DataTags.isTaggedOutsideThisApp(store.scope)) return []; // declared: the conditions decide at run time
    return [
      `${grantee.who} is granted ${name}, which carries no DataTags: the grant's classification (and tenant) conditions ` +
        `could never match, so it would deny everything; tag it with DataTags.of(store).apply({ tenant, classification }) ` +
        `— for a store imported from elsewhere (fromBucketName, another stack), apply states the tags its owner set (nothing is written), ` +
        `or DataTags.of(store).taggedOutsideThisApp() leaves them to run time`,
    ];
  }
  const problems: string[] = [];
  if (!isCleared(grantee.clearance, tags.classification)) {
    problems.push(
      `${grantee.who} (clearance ${grantee.clearance}) is granted ${name}, classified ${tags.classification}; raise the clearance or grant a store classified at or below it`,
    );
  }
  if (grantee.anyTenant) return problems;
  const storeTenant = tags.tenant;
  const known = (v: string | undefined) => v !== undefined && !Token.isUnresolved(v);
  if (grantee.tenant === undefined) {
    if (storeTenant !== undefined) {
      problems.push(
        `platform ${grantee.who} (no tenant) is granted ${name}, which belongs to tenant ${show(storeTenant)}; a platform agent reaches only stores without ai:tenant, give the agent tenant ${show(storeTenant)}`,
      );
    }
  } else if (storeTenant === undefined) {
    if (store.tenantOn === 'resource') {
      problems.push(
        `${grantee.who} of tenant ${show(grantee.tenant)} is granted ${name}, which is tagged with no tenant (a platform store); tag it with DataTags.of(store).apply({ tenant: ${show(grantee.tenant)}, ... }) or grant a platform agent`,
      );
    }
  } else if (known(storeTenant) && known(grantee.tenant) && storeTenant !== grantee.tenant) {
    problems.push(
      `${grantee.who} of tenant ${show(grantee.tenant)} is granted ${name}, which belongs to tenant ${show(storeTenant)}; grant each tenant's agent its own tenant's store`,
    );
  }
  return problems;
}

/** What is wrong between a store's DataTags and a non-agent grantee, as synth errors. */
function principalTagProblems(store: StoreKind, principal: IConstruct): string[] {
  const name = `${store.kind} ${store.scope.node.path}`;
  if (DataTags.lookup(store.scope)) return [];
  if (DataTags.isTaggedOutsideThisApp(store.scope)) {
    return [
      `${principal.node.path} (not an agent) is granted ${name}, which is tagged outside this app: its classification is unknown at synth, ` +
        `and a grant to a principal that is not an agent is bounded by the classification the store declares; state the tags its owner set ` +
        `with DataTags.of(store).apply({ tenant, classification }), or grant an AgentIdentity`,
    ];
  }
  return [
    `${principal.node.path} (not an agent) is granted ${name}, which carries no DataTags: the grant's classification condition could never match, ` +
      `so it would deny everything; tag it with DataTags.of(store).apply({ tenant, classification })`,
  ];
}

function requireStore(store: unknown, message: string): void {
  if (!store || typeof store !== 'object' || !('node' in (store as object))) {
    throw new Error(`${message}; got ${show(store === undefined ? 'undefined' : typeof store)}`);
  }
}

// Bad arguments surface at the grant, named by the agent's construct path (lib/shared/deferred-factory-errors.ts).
deferFactoryErrors(
  DataStore,
  'DataStore',
  ['s3Bucket', 'dynamoDbTable', 'secret', 'kmsKey', 'sqsQueue'],
  (args) =>
    Object.assign(Object.create(DataStore.prototype), {
      store: { scope: args[0], kind: 'invalid store', tenantOn: 'resource', detail: '' },
    }),
);
