import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CheckContext } from '../private/context';
import {
  ConditionEntry,
  Json,
  NormalizedStatement,
  parseArn,
  asArray,
  conditionsOn,
  finding,
  flatten,
  isNarrowingOperator,
} from '../private/policy';
import {
  SERVICES_SETTING_FIXED_SESSION_TAGS,
  coversTagSession,
  deniesProtectedKeys,
  keepsProtectedKeysOut,
  protectedSessionTagKeys,
} from '../private/session-tag-keys';

/** Condition keys that stop a service from acting for another account (confused deputy). */
const CONFUSED_DEPUTY_KEYS = ['aws:SourceAccount', 'aws:SourceArn'];

/**
 * Service principals that assume roles without setting `aws:SourceAccount` / `aws:SourceArn`,
 * so a trust condition on them would make the role unusable. Kept deliberately small; each
 * entry says why.
 */
export const SERVICES_WITHOUT_SOURCE_CONTEXT: Readonly<Record<string, string>> = {
  'ec2.amazonaws.com':
    'EC2 delivers instance-profile credentials without source keys; the role is bound to an instance profile of the same account, gated by iam:PassRole',
};

/**
 * AgentIdentity-NarrowTrust: the trust policy of an agent role names exactly who may assume it.
 * - no `*` principal and no `NotPrincipal`;
 * - a service principal carries `aws:SourceAccount` or `aws:SourceArn` pinning one account: literal
 *   values, no `*` or `?` in the account (`????????????` pins nothing) (except the documented
 *   services that set neither);
 * - an AWS principal (an account root, a role, a user) carries at least one narrowing condition
 *   (not `IfExists`, not a value of only wildcards such as `sts:ExternalId` like `*`), e.g.
 *   `sts:ExternalId` for a third party or session-tag conditions for delegation;
 * - a federated (OIDC) principal pins `<provider>:sub` with equality and no wildcard
 *   (`cognito-identity.amazonaws.com` pins `:aud`); a SAML principal carries a condition.
 *
 * - a statement allowing `sts:TagSession` keeps the agent's principal tag keys (`ai:agent`,
 *   `ai:tenant`, `ai:clearance`, `ai:owner`, any other `ai:*` key on the role) out of the session:
 *   an allow-list `ForAllValues:StringEquals` on `aws:TagKeys` without them, or a Deny for every
 *   caller (see `lib/checks/private/session-tag-keys.ts`). A session tag overrides the role tag of the
 *   same key, so a caller who may pass `ai:tenant` obtains a session of any tenant.
 *
 * Findings: `Principal::*`, `NotPrincipal`, `Service::<name>`, `AWS::<arn>`, `Federated::<provider>`,
 * `TagSession::<principal>`.
 */
export function narrowTrust(node: CfnResource, context: CheckContext): NagRuleResult {
  const role = context.index.agentRole(node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set<string>();
  const protectedKeys = protectedSessionTagKeys(role.tags.keys());
  const tagKeysDenied = role.trust.some((s) => deniesProtectedKeys(s, protectedKeys));
  for (const s of role.trust) {
    if (s.effect !== 'Allow') continue;
    if (s.notPrincipal !== undefined) findings.add(finding('NotPrincipal'));
    for (const f of principalFindings(s)) findings.add(f);
    if (!tagKeysDenied && coversTagSession(s) && !keepsProtectedKeysOut(s, protectedKeys)) {
      for (const f of sessionTagFindings(s)) findings.add(f);
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

function principalFindings(s: NormalizedStatement): string[] {
  const out: string[] = [];
  const principal: Json = s.principal;
  if (principal === undefined) return out;
  if (principal === '*') return [finding('Principal', '*')];
  for (const service of asArray<Json>(principal.Service).map(flatten)) {
    if (SERVICES_WITHOUT_SOURCE_CONTEXT[service] !== undefined) continue;
    if (!CONFUSED_DEPUTY_KEYS.some((key) => pinned(s, key))) out.push(finding('Service', service));
  }
  for (const aws of asArray<Json>(principal.AWS).map(flatten)) {
    if (aws === '*') out.push(finding('Principal', '*'));
    else if (!s.conditions.some(narrows)) out.push(finding('AWS', aws));
  }
  for (const federated of asArray<Json>(principal.Federated).map(flatten)) {
    if (!federatedPinned(s, federated)) out.push(finding('Federated', providerName(federated)));
  }
  return out;
}

/** `TagSession::<principal>` for every principal of the statement that chooses its own session tags. */
function sessionTagFindings(s: NormalizedStatement): string[] {
  if (s.notPrincipal !== undefined) return [finding('TagSession', 'NotPrincipal')];
  const principal: Json = s.principal;
  if (principal === undefined) return [];
  if (principal === '*') return [finding('TagSession', '*')];
  const out: string[] = [];
  for (const service of asArray<Json>(principal.Service).map(flatten)) {
    if (SERVICES_SETTING_FIXED_SESSION_TAGS[service] === undefined) out.push(finding('TagSession', service));
  }
  for (const aws of asArray<Json>(principal.AWS).map(flatten)) out.push(finding('TagSession', aws));
  for (const federated of asArray<Json>(principal.Federated).map(flatten)) {
    out.push(finding('TagSession', providerName(federated)));
  }
  return out;
}

/** An OIDC provider pins `sub` (Cognito identity pools: `aud`); a SAML provider has a condition. */
function federatedPinned(s: NormalizedStatement, provider: string): boolean {
  if (/:saml-provider\//.test(provider)) return s.conditions.length > 0;
  const host = providerName(provider);
  const claim = host === 'cognito-identity.amazonaws.com' ? 'aud' : 'sub';
  const candidates = s.conditions.filter((c) => c.key.toLowerCase().endsWith(`:${claim}`));
  const own = candidates.filter((c) => c.key.toLowerCase() === `${host.toLowerCase()}:${claim}`);
  // a provider given as a reference (`<Provider.Arn>`) has an unknown host: accept any pinned claim
  const hostKnown = !host.includes('<');
  const relevant = own.length > 0 ? own : hostKnown ? [] : candidates;
  return relevant.some(
    (c) => isNarrowingOperator(c.operator) && c.values.length > 0 && c.values.every(literal),
  );
}

/**
 * The confused-deputy key pins one account: `aws:SourceAccount` with literal values (no `*` or
 * `?`, so `????????????` pins nothing), `aws:SourceArn` with ARNs whose account part is literal.
 */
function pinned(s: NormalizedStatement, key: string): boolean {
  const pinsAccount = (v: string) => {
    if (key.toLowerCase() === 'aws:sourcearn') {
      const arn = parseArn(v);
      return arn !== undefined && arn.account.length > 0 && !/[*?]/.test(arn.account);
    }
    return literal(v);
  };
  return conditionsOn(s, key).some(
    (c) => isNarrowingOperator(c.operator) && c.values.length > 0 && c.values.every(pinsAccount),
  );
}

/** A condition that narrows who may assume: a narrowing operator with literal values, or a `Null`/`Bool` test. */
function narrows(c: ConditionEntry): boolean {
  if (c.operator === 'Null' || /^Bool/.test(c.operator)) return c.values.length > 0;
  if (/IfExists$/.test(c.operator)) return false;
  if (/Not/.test(c.operator.replace(/^For(All|Any)Values:/, ''))) return false;
  return c.values.length > 0 && c.values.every((v) => v.length > 0 && v !== '*' && !/^[*?]+$/.test(v));
}

function literal(value: string): boolean {
  return value.length > 0 && !value.includes('*') && !value.includes('?');
}

/** `arn:...:oidc-provider/token.actions.githubusercontent.com` → the host; else the value. */
function providerName(federated: string): string {
  const m = /:oidc-provider\/(.+)$/.exec(federated);
  return m ? m[1] : federated;
}
