import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { AgentTagKeys } from '../../shared/tag-keys';
import { CheckContext } from '../private/context';
import { NormalizedStatement, flatten, isNarrowingOperator, statementFinding } from '../private/policy';

/** Services whose resources hold tenant data. */
export const DATA_STORE_SERVICES: readonly string[] = [
  's3',
  'dynamodb',
  'secretsmanager',
  'kms',
  'sqs',
  'sns',
];

/** The policy variable for the agent's own tenant, as `flatten` renders `${aws:PrincipalTag/ai:tenant}`. */
const PRINCIPAL_TENANT = `<aws:PrincipalTag/${AgentTagKeys.TENANT}>`.toLowerCase();

/**
 * AgentIdentity-TenantAbac: an agent role tagged `ai:tenant` reaches data stores only under a
 * tenant condition. Each Allow statement with an s3 / dynamodb / secretsmanager / kms / sqs /
 * sns action on specific resources carries, with a narrowing operator (no `Not`, no `IfExists`):
 * - a condition value `${aws:PrincipalTag/ai:tenant}` (e.g. `aws:ResourceTag/ai:tenant`), or
 * - a `dynamodb:LeadingKeys` condition whose values are the agent's tenant (or start with it), or
 * - a `.../ai:tenant` tag key (`aws:ResourceTag`, `s3:ExistingObjectTag`, ...) equal to the
 *   agent's own tenant.
 * The key must describe the resource or request, never the principal (`aws:PrincipalTag/...` compared
 * with `${aws:PrincipalTag/ai:tenant}` is always true), and every value must name the tenant.
 * Statements on `*` are left to AgentIdentity-NoWildcardResources. A KMS-only statement limited
 * with `kms:ViaService` passes: the key is then usable only through a store's service, and the
 * store statements that reach the data are themselves held to the tenant condition.
 *
 * Findings: `Resource::<resource>`.
 */
export function tenantAbac(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const tenant = role.tags.get(AgentTagKeys.TENANT);
  if (tenant === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  for (const s of role.statements) {
    if (
      s.effect !== 'Allow' ||
      !touchesDataStore(s) ||
      hasTenantCondition(s, tenant) ||
      kmsThroughService(s)
    ) {
      continue;
    }
    for (const resource of s.resources)
      if (resource !== '*') findings.add(statementFinding(s, 'Resource', resource));
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

function kmsThroughService(s: NormalizedStatement): boolean {
  return (
    s.actions.every((a) => a.toLowerCase().startsWith('kms:')) &&
    s.conditions.some(
      (c) =>
        isNarrowingOperator(c.operator) && c.key.toLowerCase() === 'kms:viaservice' && c.values.length > 0,
    )
  );
}

function touchesDataStore(s: NormalizedStatement): boolean {
  return s.actions.some((a) => a === '*' || DATA_STORE_SERVICES.includes(a.split(':')[0].toLowerCase()));
}

function hasTenantCondition(s: NormalizedStatement, tenant: string): boolean {
  const tenantSuffix = `/${AgentTagKeys.TENANT}`.toLowerCase();
  return s.conditions.some((c) => {
    if (!isNarrowingOperator(c.operator) || c.values.length === 0) return false;
    const key = c.key.toLowerCase();
    // the principal's own attributes say nothing about the resource: `aws:PrincipalTag/ai:tenant`
    // equal to `${aws:PrincipalTag/ai:tenant}` is always true
    if (/^aws:(principal|userid|username|sourceidentity)/.test(key)) return false;
    const own = (v: string) => v.toLowerCase().includes(PRINCIPAL_TENANT);
    if (key === 'dynamodb:leadingkeys') return c.values.every((v) => own(v) || v.startsWith(flatten(tenant)));
    if (key.endsWith(tenantSuffix)) return c.values.every((v) => own(v) || v === flatten(tenant));
    // every value must name the tenant: [`${aws:PrincipalTag/ai:tenant}`, `*`] matches anything
    return c.values.every(own);
  });
}
