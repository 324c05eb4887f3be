import { IConstruct } from 'constructs';
import { AuditedResource } from '../identity/agent-capabilities';
import { DataAccess } from './data-access';

/** Condition block of an IAM statement. */
export type Conditions = Record<string, Record<string, unknown>>;

/**
 * Whose data a grant may reach:
 * - `principal`: the caller's own tenant (`${aws:PrincipalTag/ai:tenant}`),
 * - `none`: only data that carries no tenant (a platform agent),
 * - `any`: every tenant (read-only support access for humans).
 */
export type TenantReach = 'principal' | 'none' | 'any';

/** What a store kind needs to know to write its statements. */
export interface StoreGrantContext {
  readonly tenant: TenantReach;
  /** Classifications the grantee is cleared for (literal tag values). */
  readonly classifications: string[];
  readonly access: DataAccess;
  /** Construct to blame in errors (the agent or the support role). */
  readonly grantee: IConstruct;
}

/** One statement of a grant. */
export interface StoreStatement {
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions: Conditions;
}

/**
 * One kind of data store (S3 bucket, DynamoDB table, ...). `DataStore` does what is the same for
 * every kind (tag checks, grant plumbing, entitlements); a kind writes its exact statements.
 */
export interface StoreKind {
  /** The store construct: where its DataTags are looked up and errors point. */
  readonly scope: IConstruct;
  /** Human name of the kind, e.g. `s3 bucket`. */
  readonly kind: string;
  /**
   * Where the tenant lives: `resource` = the store's own `ai:tenant` tag (one tenant per store);
   * `item` = the store is shared and each object / item carries its tenant.
   */
  readonly tenantOn: 'resource' | 'item';
  /** Extra words for descriptions, e.g. ` (prefix inbox/)`. */
  readonly detail: string;
  /** The IAM statements for a grant; fails at `ctx.grantee` for what the kind cannot do exactly. */
  statements(ctx: StoreGrantContext): StoreStatement[];
  /** CloudTrail data resources to record; empty when CloudTrail has no data events for the kind. */
  auditedResources(): AuditedResource[];
}
