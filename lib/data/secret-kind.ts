import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AuditedResource } from '../identity/agent-capabilities';
import { kmsStatement, requireArn, storeConditions } from './abac-conditions';
import { Conditions, StoreGrantContext, StoreKind, StoreStatement } from './store-kind';

/** A Secrets Manager secret. */
export class SecretKind implements StoreKind {
  public readonly kind = 'secret';
  public readonly tenantOn = 'resource';
  public readonly detail = '';
  private readonly policyArn: string;

  constructor(public readonly scope: secretsmanager.ISecret) {
    requireArn(scope, 'secret', scope.secretArn);
    // a secret imported by name has no full ARN; Secrets Manager appends 6 random characters
    this.policyArn = scope.secretFullArn ?? `${scope.secretArn}-??????`;
  }

  public statements(ctx: StoreGrantContext): StoreStatement[] {
    const base = storeConditions(ctx, true);
    const out: StoreStatement[] = [];
    const kmsActions: string[] = [];
    if (ctx.access.reads) {
      out.push({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [this.policyArn],
        conditions: base,
      });
      kmsActions.push('kms:Decrypt');
    }
    if (ctx.access.writes) {
      out.push({ actions: ['secretsmanager:PutSecretValue'], resources: [this.policyArn], conditions: base });
      kmsActions.push('kms:Encrypt', 'kms:GenerateDataKey');
    }
    if (ctx.access.deletes) {
      out.push({ actions: ['secretsmanager:DeleteSecret'], resources: [this.policyArn], conditions: base });
    }
    const context: Conditions = this.scope.secretFullArn
      ? { StringEquals: { 'kms:EncryptionContext:SecretARN': this.scope.secretFullArn } }
      : { StringLike: { 'kms:EncryptionContext:SecretARN': this.policyArn } };
    out.push(...kmsStatement(this.scope, this.scope.encryptionKey, kmsActions, 'secretsmanager', context));
    return out;
  }

  /** Secrets Manager calls are management events in CloudTrail, recorded without data selectors. */
  public auditedResources(): AuditedResource[] {
    return [];
  }
}
