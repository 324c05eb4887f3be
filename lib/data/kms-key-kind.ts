import * as kms from 'aws-cdk-lib/aws-kms';
import { AuditedResource } from '../identity/agent-capabilities';
import { failAt } from '../shared/errors';
import { requireArn, storeConditions } from './abac-conditions';
import { StoreGrantContext, StoreKind, StoreStatement } from './store-kind';

/** A KMS key used directly by the agent (envelope encryption in the agent's own code). */
export class KmsKeyKind implements StoreKind {
  public readonly kind = 'kms key';
  public readonly tenantOn = 'resource';
  public readonly detail = '';
  private readonly keyArn: string;

  constructor(public readonly scope: kms.IKey) {
    this.keyArn = requireArn(scope, 'key', scope.keyArn);
  }

  public statements(ctx: StoreGrantContext): StoreStatement[] {
    if (ctx.access.deletes) {
      failAt(
        ctx.grantee,
        `DataAccess.DELETE does not apply to kms key ${this.scope.node.path}; agents never schedule key deletion, grant READ (Decrypt) or WRITE (Encrypt, GenerateDataKey)`,
      );
    }
    const base = storeConditions(ctx, true);
    const actions = [
      ...(ctx.access.reads ? ['kms:Decrypt'] : []),
      ...(ctx.access.writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []),
    ];
    return [{ actions, resources: [this.keyArn], conditions: base }];
  }

  /** KMS calls are management events in CloudTrail, recorded without data selectors. */
  public auditedResources(): AuditedResource[] {
    return [];
  }
}
