import { Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { failAt, show } from '../shared/errors';
import { AgentTagKeys } from '../shared/tag-keys';
import { Conditions, StoreGrantContext, StoreStatement, TenantReach } from './store-kind';

/** The caller's tenant as an IAM policy variable; identical for every agent, so statements merge. */
export const PRINCIPAL_TENANT = `\${aws:PrincipalTag/${AgentTagKeys.TENANT}}`;
/** The store's tenant tag. */
export const RESOURCE_TENANT = `aws:ResourceTag/${AgentTagKeys.TENANT}`;
/** The store's classification tag. */
export const RESOURCE_CLASSIFICATION = `aws:ResourceTag/${AgentTagKeys.CLASSIFICATION}`;

/** Merges condition blocks operator by operator. */
export function mergeConditions(...parts: Conditions[]): Conditions {
  const out: Conditions = {};
  for (const part of parts) {
    for (const [operator, keys] of Object.entries(part))
      out[operator] = { ...(out[operator] ?? {}), ...keys };
  }
  return out;
}

/** `key` must name the caller's tenant (`principal`), be absent (`none`), or anything (`any`). */
export function tenantCondition(reach: TenantReach, key: string): Conditions {
  switch (reach) {
    case 'principal':
      return { StringEquals: { [key]: PRINCIPAL_TENANT } };
    case 'none':
      return { Null: { [key]: 'true' } };
    default:
      return {};
  }
}

/**
 * The store-level ABAC conditions: the store's classification is one the grantee is cleared for,
 * and (when the store carries its tenant) its tenant is the caller's.
 */
export function storeConditions(ctx: StoreGrantContext, tenantOnStore: boolean): Conditions {
  return mergeConditions(tenantOnStore ? tenantCondition(ctx.tenant, RESOURCE_TENANT) : {}, {
    StringEquals: { [RESOURCE_CLASSIFICATION]: [...ctx.classifications] },
  });
}

/**
 * The KMS statement an encrypted store needs: the given actions on the store's customer managed
 * key, only through the store's service (`kms:ViaService`) and, where the service sets one, only
 * for the store's encryption context.
 */
export function kmsStatement(
  scope: IConstruct,
  key: kms.IKey | undefined,
  actions: string[],
  service: string,
  encryptionContext: Conditions = {},
): StoreStatement[] {
  if (!key || actions.length === 0) return [];
  const stack = Stack.of(scope);
  return [
    {
      actions: [...new Set(actions)].sort(),
      resources: [key.keyArn],
      conditions: mergeConditions(
        { StringEquals: { 'kms:ViaService': `${service}.${stack.region}.${stack.urlSuffix}` } },
        encryptionContext,
      ),
    },
  ];
}

/** Fails unless `arn` is a token or looks like an ARN. */
export function requireArn(scope: IConstruct, what: string, arn: string | undefined): string {
  if (typeof arn !== 'string' || arn.length === 0 || (!Token.isUnresolved(arn) && !arn.startsWith('arn:'))) {
    failAt(
      scope,
      `${what} has no usable ARN (${show(arn)}); import it with its ARN (e.g. fromBucketArn / fromTableArn)`,
    );
  }
  return arn;
}
