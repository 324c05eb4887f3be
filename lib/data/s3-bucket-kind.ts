import { Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AuditedResource } from '../identity/agent-capabilities';
import { failAt, show } from '../shared/errors';
import { AgentTagKeys } from '../shared/tag-keys';
import {
  kmsStatement,
  mergeConditions,
  requireArn,
  storeConditions,
  tenantCondition,
} from './abac-conditions';
import { StoreGrantContext, StoreKind, StoreStatement } from './store-kind';
import { acknowledgeWildcardResource } from '../shared/nag-acknowledgements';

/** Finding ids already computed, per stack of the grantee. */

/** Options of `DataStore.s3Bucket`. */
export interface S3BucketStoreOptions {
  /**
   * Key prefix the grant is limited to, e.g. `inbox/support/`. Objects are granted as
   * `bucket/prefix*` and `s3:ListBucket` requires `s3:prefix` to start with it. A literal
   * without `*` or `?`.
   * @default - the whole bucket
   */
  readonly prefix?: string;
  /**
   * The bucket is shared by tenants and each object carries its tenant in an `ai:tenant` object
   * tag. Reads then require `s3:ExistingObjectTag/ai:tenant` to be the caller's tenant and writes
   * must label the object with the caller's tenant (`s3:RequestObjectTag/ai:tenant`) and may only
   * create new keys (`s3:if-none-match: *`), because S3 cannot check the tags of an object that a
   * write would replace. Listing and DELETE are not granted in this mode (S3 cannot limit them by
   * object tag); multipart uploads do not carry the object tags on every part, so use single-part
   * uploads (up to 5 GB).
   * @default false - the bucket itself carries one tenant (bucket tags, bucket ABAC)
   */
  readonly objectTags?: boolean;
}

const OBJECT_TENANT = `s3:ExistingObjectTag/${AgentTagKeys.TENANT}`;
const REQUEST_TENANT = `s3:RequestObjectTag/${AgentTagKeys.TENANT}`;

/** An S3 general purpose bucket (optionally one key prefix of it). */
export class S3BucketKind implements StoreKind {
  public readonly kind = 's3 bucket';
  public readonly tenantOn: 'resource' | 'item';
  public readonly detail: string;
  private readonly prefix: string;
  private readonly objectTags: boolean;
  private readonly bucketArn: string;

  constructor(
    public readonly scope: s3.IBucket,
    options: S3BucketStoreOptions,
  ) {
    this.bucketArn = requireArn(scope, 'bucket', scope.bucketArn);
    this.prefix = validatePrefix(scope, options.prefix);
    this.objectTags = options.objectTags ?? false;
    this.tenantOn = this.objectTags ? 'item' : 'resource';
    const words = [
      ...(this.prefix ? [`prefix ${this.prefix}`] : []),
      ...(this.objectTags ? ['tenant per object tag'] : []),
    ];
    this.detail = words.length ? ` (${words.join(', ')})` : '';
  }

  private objectWildcardReason(): string {
    const what = this.prefix ? `the prefix ${this.prefix}` : 'the objects of this bucket';
    return (
      `object-level grant: S3 names objects by key, so access to ${what} is an ARN ending in *; ` +
      'actions are exact and the tenant and classification conditions still apply'
    );
  }

  public statements(ctx: StoreGrantContext): StoreStatement[] {
    const objects = this.scope.arnForObjects(`${this.prefix}*`);
    acknowledgeWildcardResource(ctx.grantee, objects, this.objectWildcardReason());
    const base = storeConditions(ctx, !this.objectTags);
    const out: StoreStatement[] = [];
    const kmsActions: string[] = [];
    if (this.objectTags && ctx.access.deletes) {
      failAt(
        ctx.grantee,
        `DataAccess.DELETE cannot be granted on ${this.scope.node.path} with objectTags: S3 does not evaluate s3:ExistingObjectTag for DeleteObject, so the delete could not be limited to one tenant; give each tenant its own bucket or prefix`,
      );
    }
    if (ctx.access.reads) {
      out.push({
        actions: ['s3:GetObject'],
        resources: [objects],
        conditions: this.objectTags
          ? mergeConditions(base, tenantCondition(ctx.tenant, OBJECT_TENANT))
          : base,
      });
      if (!this.objectTags) {
        out.push({
          actions: ['s3:ListBucket'],
          resources: [this.bucketArn],
          conditions: this.prefix
            ? mergeConditions(base, { StringLike: { 's3:prefix': [`${this.prefix}*`] } })
            : base,
        });
      }
      kmsActions.push('kms:Decrypt');
    }
    if (ctx.access.writes) {
      if (this.objectTags) {
        const labelled = mergeConditions(base, tenantCondition(ctx.tenant, REQUEST_TENANT));
        out.push({
          actions: ['s3:PutObject'],
          resources: [objects],
          conditions: mergeConditions(labelled, { StringEquals: { 's3:if-none-match': '*' } }),
        });
        out.push({
          actions: ['s3:PutObjectTagging'],
          resources: [objects],
          conditions: mergeConditions(labelled, tenantCondition(ctx.tenant, OBJECT_TENANT)),
        });
        kmsActions.push('kms:GenerateDataKey');
      } else {
        out.push({
          actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
          resources: [objects],
          conditions: base,
        });
        // multipart uploads to SSE-KMS buckets also need Decrypt
        kmsActions.push('kms:GenerateDataKey', 'kms:Decrypt');
      }
    }
    if (ctx.access.deletes) {
      out.push({ actions: ['s3:DeleteObject'], resources: [objects], conditions: base });
    }
    out.push(
      ...kmsStatement(this.scope, this.scope.encryptionKey, kmsActions, 's3', {
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [this.bucketArn, objects] },
      }),
    );
    return out;
  }

  public auditedResources(): AuditedResource[] {
    return [{ resourceType: 'AWS::S3::Object', arn: `${this.bucketArn}/${this.prefix}` }];
  }
}

function validatePrefix(scope: s3.IBucket, prefix: string | undefined): string {
  if (prefix === undefined) return '';
  if (typeof prefix !== 'string' || Token.isUnresolved(prefix)) {
    failAt(
      scope,
      `prefix ${show(prefix)} must be a literal string, e.g. 'inbox/support/'; it is matched in s3:prefix conditions`,
    );
  }
  if (prefix.length === 0) {
    failAt(
      scope,
      `prefix "" is empty, which would grant the whole bucket; leave prefix out to grant the whole bucket on purpose, or give the key prefix, e.g. 'inbox/support/'`,
    );
  }
  if (/[*?]/.test(prefix)) {
    failAt(
      scope,
      `prefix ${show(prefix)} contains a wildcard (* or ?); give the literal key prefix, e.g. 'inbox/support/' (the grant appends * itself)`,
    );
  }
  if (prefix.startsWith('/')) {
    failAt(
      scope,
      `prefix ${show(prefix)} starts with '/'; S3 keys have no leading slash, use ${show(prefix.replace(/^\/+/, ''))}`,
    );
  }
  const segments = prefix.split('/');
  if (segments.some((seg) => seg === '.' || seg === '..')) {
    failAt(
      scope,
      `prefix ${show(prefix)} has a '.' or '..' segment; S3 keys are literal (no path resolution), so it names other keys than it seems to — give the literal key prefix, e.g. 'inbox/support/'`,
    );
  }
  if (segments.slice(0, -1).some((seg) => seg === '')) {
    failAt(
      scope,
      `prefix ${show(prefix)} has an empty segment ('//'); S3 keys are literal, so it matches no key written as a path — use ${show(prefix.replace(/\/{2,}/g, '/'))}`,
    );
  }
  return prefix;
}
