import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { AgentCoreIdentityNames } from '../../shared/agentcore-identity';
import { CheckContext } from '../private/context';
import {
  ConditionEntry,
  NormalizedStatement,
  actionCovers,
  finding,
  parseArn,
  patternRegExp,
} from '../private/policy';

const READ = ['secretsmanager:GetSecretValue'];
/** A name the token vault gives a provider's secret, to test resource patterns against. */
const SAMPLE_VAULT_SECRET = `secret:${AgentCoreIdentityNames.VAULT_SECRET_PREFIX}default/oauth2/provider-AbCdEf`;
const VAULT_SERVICE = 'bedrock-agentcore.amazonaws.com';

/**
 * AgentIdentity-VaultSecretViaVault: an agent role may read a token-vault secret (a resource
 * matching `secret:bedrock-agentcore-identity!...`, `*`, or a credential provider's
 * `ClientSecretArn` / `ApiKeySecretArn` attribute) only through a service: the statement must
 * carry `Bool aws:ViaAWSService = true`, or `aws:CalledVia` / `aws:CalledViaLast` equal to
 * `bedrock-agentcore.amazonaws.com`. A direct read hands the agent the provider's client secret or
 * API key, which the token vault exists to keep from it.
 *
 * Finding: `Resource::<resource>`.
 */
export function vaultSecretViaVault(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  let applies = false;
  for (const s of role.statements) {
    if (s.effect !== 'Allow' || s.notActions) continue;
    if (!READ.some((a) => s.actions.some((w) => actionCovers(w, a)))) continue;
    for (const r of s.notResources ? ['*'] : s.resources) {
      if (!isVaultSecret(r)) continue;
      applies = true;
      if (!throughService(s)) findings.add(finding('Resource', r));
    }
  }
  if (!applies) return NagRuleCompliance.NOT_APPLICABLE;
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

function isVaultSecret(resource: string): boolean {
  if (resource === '*') return true;
  if (/^<[A-Za-z0-9]+\.(ClientSecretArn|ApiKeySecretArn)[A-Za-z0-9.]*>$/.test(resource)) return true;
  const arn = parseArn(resource);
  if (!arn) return false;
  if (!patternRegExp(arn.service).test('secretsmanager')) return false;
  return (
    arn.resource.startsWith(`secret:${AgentCoreIdentityNames.VAULT_SECRET_PREFIX}`) ||
    patternRegExp(arn.resource).test(SAMPLE_VAULT_SECRET)
  );
}

function throughService(s: NormalizedStatement): boolean {
  return s.conditions.some((c) => viaService(c) || calledViaVault(c));
}

function viaService(c: ConditionEntry): boolean {
  return (
    c.key.toLowerCase() === 'aws:viaawsservice' &&
    c.operator === 'Bool' &&
    c.values.length > 0 &&
    c.values.every((v) => v.toLowerCase() === 'true')
  );
}

/**
 * `aws:CalledVia` is a list: only `ForAnyValue:StringEquals` requires the vault in it
 * (`ForAllValues` also matches a direct call, whose list is empty). `aws:CalledViaFirst` /
 * `aws:CalledViaLast` are single values: `StringEquals`.
 */
function calledViaVault(c: ConditionEntry): boolean {
  const key = c.key.toLowerCase();
  const operator =
    key === 'aws:calledvia'
      ? 'ForAnyValue:StringEquals'
      : key === 'aws:calledvialast' || key === 'aws:calledviafirst'
        ? 'StringEquals'
        : undefined;
  return (
    operator !== undefined &&
    c.operator === operator &&
    c.values.length > 0 &&
    c.values.every((v) => v === VAULT_SERVICE)
  );
}
