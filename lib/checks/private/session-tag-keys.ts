import { AgentTagKeys } from '../../shared/tag-keys';
import { NormalizedStatement, actionCovers, conditionsOn } from './policy';

/**
 * Service principals that pass only session tags the service itself chooses, never keys a caller
 * picks: they cannot set an agent's `ai:*` principal tags. Kept deliberately small; each entry
 * says which keys the service sets.
 */
export const SERVICES_SETTING_FIXED_SESSION_TAGS: Readonly<Record<string, string>> = {
  'pods.eks.amazonaws.com':
    'EKS Pod Identity sets exactly eks-cluster-arn, eks-cluster-name, kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name and kubernetes-pod-uid',
};

/**
 * The session tag keys that must never be settable on an agent's session: the principal keys the
 * library's ABAC rests on (`ai:agent`, `ai:tenant`, `ai:clearance`, `ai:owner`) and any other
 * `ai:*` key the role carries. A session tag overrides the role tag of the same key, so a caller
 * able to pass `ai:tenant` obtains a session of any tenant.
 */
export function protectedSessionTagKeys(roleTags: Iterable<string>): string[] {
  const keys = new Set(AgentTagKeys.PRINCIPAL_KEYS.map((k) => k.toLowerCase()));
  for (const key of roleTags) {
    if (key.toLowerCase().startsWith(AgentTagKeys.PREFIX)) keys.add(key.toLowerCase());
  }
  return [...keys].sort();
}

/** Whether a statement allows (or denies) `sts:TagSession`. */
export function coversTagSession(s: NormalizedStatement): boolean {
  if (s.notActions !== undefined) return !s.notActions.some((a) => actionCovers(a, 'sts:TagSession'));
  return s.actions.some((a) => actionCovers(a, 'sts:TagSession'));
}

/**
 * Whether an Allow statement of a trust policy that allows `sts:TagSession` keeps every protected
 * key out of the session: either no tags at all (`Null` `aws:TagKeys` = `true`), or an allow-list
 * `ForAllValues:StringEquals` / `StringEqualsIgnoreCase` on `aws:TagKeys` of literal keys none of
 * which equals a protected key in any case (STS matches session tag keys to role tag keys without
 * regard to case, so the comparison here ignores case). Pattern operators (`StringLike`), negated
 * operators and `IfExists` do not count: `ForAllValues:StringNotLike ai:*` lets `AI:tenant` through.
 */
export function keepsProtectedKeysOut(s: NormalizedStatement, protectedKeys: readonly string[]): boolean {
  const entries = conditionsOn(s, 'aws:TagKeys');
  if (
    entries.some((c) => c.operator === 'Null' && c.values.length > 0 && c.values.every((v) => v === 'true'))
  )
    return true;
  return entries.some(
    (c) =>
      /^ForAllValues:StringEquals(IgnoreCase)?$/.test(c.operator) &&
      c.values.length > 0 &&
      c.values.every((v) => v.length > 0 && !v.includes('<') && !protectedKeys.includes(v.toLowerCase())),
  );
}

/**
 * Whether a Deny statement of the trust policy stops every caller from passing any protected key:
 * it denies `sts:TagSession` to everyone (`Principal` `*`), either without condition or with
 * `ForAnyValue:StringEqualsIgnoreCase` on `aws:TagKeys` listing every protected key.
 */
export function deniesProtectedKeys(s: NormalizedStatement, protectedKeys: readonly string[]): boolean {
  if (s.effect !== 'Deny' || !coversTagSession(s)) return false;
  const everyone =
    s.principal === '*' || (s.principal?.AWS !== undefined && [s.principal.AWS].flat().includes('*'));
  if (!everyone) return false;
  if (s.conditions.length === 0) return true;
  if (s.conditions.length !== 1) return false;
  const [c] = s.conditions;
  return (
    c.key.toLowerCase() === 'aws:tagkeys' &&
    c.operator === 'ForAnyValue:StringEqualsIgnoreCase' &&
    protectedKeys.every((k) => c.values.some((v) => v.toLowerCase() === k))
  );
}
