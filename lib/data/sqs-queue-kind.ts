import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AuditedResource } from '../identity/agent-capabilities';
import { kmsStatement, requireArn, storeConditions } from './abac-conditions';
import { StoreGrantContext, StoreKind, StoreStatement } from './store-kind';

/** An SQS queue. */
export class SqsQueueKind implements StoreKind {
  public readonly kind = 'sqs queue';
  public readonly tenantOn = 'resource';
  public readonly detail = '';
  private readonly queueArn: string;

  constructor(public readonly scope: sqs.IQueue) {
    this.queueArn = requireArn(scope, 'queue', scope.queueArn);
  }

  public statements(ctx: StoreGrantContext): StoreStatement[] {
    const base = storeConditions(ctx, true);
    const out: StoreStatement[] = [];
    const kmsActions: string[] = [];
    if (ctx.access.reads) {
      out.push({ actions: ['sqs:ReceiveMessage'], resources: [this.queueArn], conditions: base });
      kmsActions.push('kms:Decrypt');
    }
    if (ctx.access.writes) {
      out.push({
        actions: ['sqs:SendMessage', 'sqs:ChangeMessageVisibility'],
        resources: [this.queueArn],
        conditions: base,
      });
      // producers to an SSE-KMS queue need GenerateDataKey and Decrypt
      kmsActions.push('kms:GenerateDataKey', 'kms:Decrypt');
    }
    if (ctx.access.deletes) {
      out.push({ actions: ['sqs:DeleteMessage'], resources: [this.queueArn], conditions: base });
    }
    out.push(...kmsStatement(this.scope, this.scope.encryptionMasterKey, kmsActions, 'sqs'));
    return out;
  }

  /** SQS data events are not selected here (not confirmed for advanced event selectors). */
  public auditedResources(): AuditedResource[] {
    return [];
  }
}
