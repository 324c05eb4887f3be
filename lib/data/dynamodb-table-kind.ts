import { Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AuditedResource } from '../identity/agent-capabilities';
import { failAt, show } from '../shared/errors';
import {
  PRINCIPAL_TENANT,
  kmsStatement,
  mergeConditions,
  requireArn,
  storeConditions,
} from './abac-conditions';
import { Conditions, StoreGrantContext, StoreKind, StoreStatement } from './store-kind';

/** Options of `DataStore.dynamoDbTable`. */
export interface DynamoDbTableStoreOptions {
  /**
   * The table is shared by tenants and every item's partition key value is the tenant
   * (the `ai:tenant` of the agent that owns it). Item actions then require
   * `ForAllValues:StringEquals dynamodb:LeadingKeys = ${aws:PrincipalTag/ai:tenant}` (and the key
   * to be present), and `Scan` is never granted: a Scan carries no leading key, and a
   * `ForAllValues` condition matches when the key is absent. Use `Query` instead. Global secondary
   * indexes listed in `indexes` must also be partitioned by tenant, as the condition applies to
   * their partition key.
   * @default false - the table itself carries one tenant (its `ai:tenant` tag)
   */
  readonly tenantPartitioned?: boolean;
  /**
   * Names of secondary indexes that may be queried (`Query`, and `Scan` unless tenant-partitioned).
   * @default - no index
   */
  readonly indexes?: string[];
}

const INDEX_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** A DynamoDB table. */
export class DynamoDbTableKind implements StoreKind {
  public readonly kind = 'dynamodb table';
  public readonly tenantOn: 'resource' | 'item';
  public readonly detail: string;
  private readonly tableArn: string;
  private readonly indexes: string[];
  private readonly partitioned: boolean;

  constructor(
    public readonly scope: dynamodb.ITable,
    options: DynamoDbTableStoreOptions,
  ) {
    this.tableArn = requireArn(scope, 'table', scope.tableArn);
    this.partitioned = options.tenantPartitioned ?? false;
    this.indexes = validateIndexes(scope, options.indexes ?? []);
    this.tenantOn = this.partitioned ? 'item' : 'resource';
    const words = [
      ...(this.partitioned ? ['partitioned by tenant'] : []),
      ...(this.indexes.length ? [`indexes ${this.indexes.join(', ')}`] : []),
    ];
    this.detail = words.length ? ` (${words.join(', ')})` : '';
  }

  public statements(ctx: StoreGrantContext): StoreStatement[] {
    if (this.partitioned && ctx.tenant === 'none') {
      failAt(
        ctx.grantee,
        `${this.scope.node.path} is partitioned by tenant but the agent serves no tenant, so dynamodb:LeadingKeys has nothing to bind to; give the agent a tenant (or use SupportAccess for cross-tenant reads)`,
      );
    }
    const base = mergeConditions(storeConditions(ctx, !this.partitioned), this.leadingKeys(ctx));
    const indexArns = this.indexes.map((i) => `${this.tableArn}/index/${i}`);
    const out: StoreStatement[] = [];
    // DynamoDB decrypts the table key for every item request, whatever its kind, so any access to a
    // table under a customer managed key needs kms:Decrypt (through DynamoDB only).
    const kmsActions: string[] = ['kms:Decrypt'];
    if (ctx.access.reads) {
      const search = this.partitioned ? ['dynamodb:Query'] : ['dynamodb:Query', 'dynamodb:Scan'];
      out.push({
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', ...search],
        resources: [this.tableArn],
        conditions: base,
      });
      if (indexArns.length) out.push({ actions: search, resources: indexArns, conditions: base });
    }
    if (ctx.access.writes) {
      // BatchWriteItem is never granted: it also deletes, and writes never include deletes
      out.push({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
        resources: [this.tableArn],
        conditions: base,
      });
      kmsActions.push('kms:Encrypt', 'kms:GenerateDataKey');
    }
    if (ctx.access.deletes) {
      out.push({ actions: ['dynamodb:DeleteItem'], resources: [this.tableArn], conditions: base });
    }
    out.push(...kmsStatement(this.scope, this.scope.encryptionKey, kmsActions, 'dynamodb'));
    return out;
  }

  public auditedResources(): AuditedResource[] {
    return [{ resourceType: 'AWS::DynamoDB::Table', arn: this.tableArn }];
  }

  private leadingKeys(ctx: StoreGrantContext): Conditions {
    if (!this.partitioned || ctx.tenant !== 'principal') return {};
    return {
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [PRINCIPAL_TENANT] },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    };
  }
}

function validateIndexes(scope: dynamodb.ITable, indexes: string[]): string[] {
  if (!Array.isArray(indexes)) failAt(scope, `indexes ${show(indexes)} must be a list of index names`);
  for (const name of indexes) {
    if (typeof name !== 'string' || Token.isUnresolved(name) || !INDEX_NAME.test(name)) {
      failAt(
        scope,
        `index name ${show(name)} must be a literal of 3-255 letters, digits or _ . -, e.g. 'byCustomer'`,
      );
    }
  }
  return [...new Set(indexes)];
}
