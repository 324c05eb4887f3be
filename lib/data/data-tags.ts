import { Annotations, Aspects, IAspect, Resource, Tags, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { DataClassification } from '../identity/data-classification';
import { classificationRank } from '../identity/private/classification-ladder';
import { failAt, show, unresolvedTenantMessage } from '../shared/errors';
import { AgentTagKeys } from '../shared/tag-keys';
import { validateTagValue } from '../shared/tag-values';

/** The ABAC tags of a data store. */
export interface DataTagsProps {
  /**
   * The tenant whose data the store holds (tag `ai:tenant`). Only agents of this tenant reach it.
   * @default - a platform store (or a store shared by tenants per object/item): no `ai:tenant` tag
   */
  readonly tenant?: string;
  /** How sensitive the data is (tag `ai:classification`). */
  readonly classification: DataClassification;
  /**
   * Accept a `tenant` that is only known at deploy time (a token). Grants to the store are then
   * not compared with the grantee's tenant at synth (a warning says so); the IAM conditions and
   * the tenant fence decide at run time.
   * @default false - a token tenant is an error
   */
  readonly allowUnresolvedTenant?: boolean;
}

const TAG_PRIORITY = 1000;
/** IAM principals, whose tags are principal tags (ABAC attributes of who acts), never data tags. */
const PRINCIPAL_RESOURCE_TYPES: readonly string[] = ['AWS::IAM::Role', 'AWS::IAM::User'];
const records = new WeakMap<IConstruct, DataTagsProps>();
const taggedElsewhere = new WeakSet<IConstruct>();

/**
 * Tags data stores with the ABAC attributes agents' grants are conditioned on, the way `Tags.of`
 * tags constructs: `DataTags.of(bucket).apply({ tenant: 'acme', classification: DataClassification.INTERNAL })`.
 *
 * It also turns on what a service needs for the tags to count in IAM: S3 general purpose buckets
 * evaluate `aws:ResourceTag` only with bucket ABAC enabled (`AbacStatus: Enabled`), so every
 * `AWS::S3::Bucket` under the scope gets it. IAM roles and users under the scope are skipped: their
 * tags are principal tags, and an agent's `ai:tenant` must stay the tenant it was declared with. The tags are recorded so that a grant to an agent of
 * another tenant, or above the agent's clearance, fails at synth.
 */
export class DataTags {
  /** Tags for `scope` and everything under it. */
  public static of(scope: IConstruct): DataTags {
    return new DataTags(scope);
  }

  /**
   * The tags applied through `DataTags` to `scope` or its closest tagged ancestor; undefined when
   * none was. For a store imported from elsewhere (`fromBucketName`, another stack), `apply` writes
   * nothing — its owner tags it — but states the tags it carries, which grants and checks use.
   */
  public static lookup(scope: IConstruct): DataTagsProps | undefined {
    for (const c of [...scope.node.scopes].reverse()) {
      const found = records.get(c);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * True when `scope` (or an ancestor) was declared with `taggedOutsideThisApp()`: its tags are set
   * by its owner and only known at run time.
   */
  public static isTaggedOutsideThisApp(scope: IConstruct): boolean {
    return scope.node.scopes.some((c) => taggedElsewhere.has(c));
  }

  private constructor(private readonly scope: IConstruct) {}

  /**
   * Declares that a store imported into this app (`Bucket.fromBucketName`, `Table.fromTableArn`,
   * ...) is tagged by its owner elsewhere, with tags this app does not know. Grants on it are then
   * not checked at synth (a warning says so): only the IAM conditions and the tenant fence decide,
   * at run time. Without this (or `apply`), a grant on a store that carries no DataTags fails synth,
   * because its conditions could never match. Prefer `apply` with the tags the owner set.
   */
  public taggedOutsideThisApp(): void {
    if (Resource.isOwnedResource(this.scope)) {
      failAt(
        this.scope,
        'taggedOutsideThisApp is for stores imported from elsewhere; this store is created in this app, tag it with DataTags.of(store).apply({ tenant, classification })',
      );
    }
    taggedElsewhere.add(this.scope);
    Annotations.of(this.scope).addWarningV2(
      'cdk-agent-identity:tagged-outside-this-app',
      'this store is tagged outside this app: grants to it are not checked against its tenant and classification at synth',
    );
  }

  /** Applies `ai:tenant` / `ai:classification` and enables the tag-based access the service needs. */
  public apply(props: DataTagsProps): void {
    if (!props || typeof props !== 'object') {
      failAt(this.scope, 'DataTags.apply needs { classification } and optionally { tenant }');
    }
    try {
      classificationRank(props.classification);
    } catch {
      failAt(
        this.scope,
        `classification ${show(props.classification)} is not a DataClassification; use DataClassification.INTERNAL or another member`,
      );
    }
    if (props.tenant !== undefined) {
      if (Token.isUnresolved(props.tenant)) {
        if (!props.allowUnresolvedTenant) failAt(this.scope, unresolvedTenantMessage(props.tenant));
        Annotations.of(this.scope).addWarningV2(
          'cdk-agent-identity:unresolved-store-tenant',
          'the tenant of this store is only known at deploy time: grants to it are not checked against the grantee tenant at synth',
        );
      }
      validateTagValue(this.scope, 'tenant', props.tenant);
      if (!Token.isUnresolved(props.tenant) && props.tenant.trim() !== props.tenant) {
        failAt(this.scope, `tenant ${show(props.tenant)} has leading or trailing spaces; remove them`);
      }
    }
    const tags = Tags.of(this.scope);
    // Principals are never data: an agent role's ai:tenant is its own principal tag, which a
    // DataTags on an ancestor (the stack, a shared scope) must neither set, replace nor remove.
    const options = { priority: TAG_PRIORITY, excludeResourceTypes: [...PRINCIPAL_RESOURCE_TYPES] };
    tags.add(AgentTagKeys.CLASSIFICATION, props.classification, options);
    if (props.tenant !== undefined) {
      tags.add(AgentTagKeys.TENANT, props.tenant, options);
    } else {
      tags.remove(AgentTagKeys.TENANT, options);
    }
    Aspects.of(this.scope).add(new EnableBucketAbac());
    records.set(this.scope, {
      tenant: props.tenant,
      classification: props.classification,
      allowUnresolvedTenant: props.allowUnresolvedTenant,
    });
  }
}

/** Turns on ABAC for S3 general purpose buckets, so `aws:ResourceTag` sees their tags. */
class EnableBucketAbac implements IAspect {
  public visit(node: IConstruct): void {
    if (node instanceof s3.CfnBucket) node.abacStatus = 'Enabled';
  }
}
