import { CredentialEntitlements, InboundAuthorizerEntitlement } from './entitlement-report-schema';

/** One change of an agent's identity beyond IAM (its `kind` is a `ChangeKind` value). */
export interface CredentialChange {
  readonly kind: string;
  readonly widened: boolean;
  readonly description: string;
}

/** The kinds of credential changes, as `ChangeKind` spells them. */
export const CREDENTIAL_CHANGE_KINDS = {
  WORKLOAD_IDENTITY_ADDED: 'workload-identity-added',
  WORKLOAD_IDENTITY_REMOVED: 'workload-identity-removed',
  WORKLOAD_TOKEN_ACTION_ADDED: 'workload-token-action-added',
  WORKLOAD_TOKEN_ACTION_REMOVED: 'workload-token-action-removed',
  CREDENTIAL_PROVIDER_ADDED: 'credential-provider-added',
  CREDENTIAL_PROVIDER_REMOVED: 'credential-provider-removed',
  CREDENTIAL_SCOPE_ADDED: 'credential-scope-added',
  CREDENTIAL_SCOPE_REMOVED: 'credential-scope-removed',
  WEB_IDENTITY_AUDIENCE_ADDED: 'web-identity-audience-added',
  WEB_IDENTITY_AUDIENCE_REMOVED: 'web-identity-audience-removed',
  WEB_IDENTITY_DURATION_LENGTHENED: 'web-identity-duration-lengthened',
  WEB_IDENTITY_DURATION_SHORTENED: 'web-identity-duration-shortened',
  INBOUND_CALLERS_WIDENED: 'inbound-callers-widened',
  INBOUND_CALLERS_NARROWED: 'inbound-callers-narrowed',
  USER_DELEGATION_ADDED: 'user-delegation-added',
  USER_DELEGATION_REMOVED: 'user-delegation-removed',
  USER_DELEGATION_CHANGED: 'user-delegation-changed',
} as const;

const K = CREDENTIAL_CHANGE_KINDS;

/**
 * Compares the `credentials` of one agent in two reports. A new workload identity, token action,
 * provider, scope, web-identity audience, a longer token lifetime, more (or unchecked) inbound
 * callers, and new or weaker user delegation are widening; their opposites narrow.
 */
export function compareCredentials(
  before: CredentialEntitlements | undefined,
  after: CredentialEntitlements | undefined,
): CredentialChange[] {
  const out: CredentialChange[] = [];
  const push = (kind: string, widened: boolean, description: string) =>
    out.push({ kind, widened, description });
  const b = before ?? EMPTY;
  const a = after ?? EMPTY;

  const bIds = new Map(b.workloadIdentities.map((w) => [w.identity, w]));
  const aIds = new Map(a.workloadIdentities.map((w) => [w.identity, w]));
  for (const [id, w] of aIds) {
    const old = bIds.get(id);
    if (!old)
      push(
        K.WORKLOAD_IDENTITY_ADDED,
        true,
        `may mint tokens for workload identity ${id} (${w.actions.join(', ')})`,
      );
    else
      sets(
        old.actions,
        w.actions,
        (x) => push(K.WORKLOAD_TOKEN_ACTION_ADDED, true, `${x} on workload identity ${id}`),
        (x) => push(K.WORKLOAD_TOKEN_ACTION_REMOVED, false, `${x} no longer on workload identity ${id}`),
      );
  }
  for (const id of bIds.keys())
    if (!aIds.has(id)) push(K.WORKLOAD_IDENTITY_REMOVED, false, `no longer mints tokens for ${id}`);

  const bProv = new Map(b.providers.map((p) => [p.provider, p]));
  const aProv = new Map(a.providers.map((p) => [p.provider, p]));
  for (const [id, p] of aProv) {
    const old = bProv.get(id);
    const scopes = p.scopes.length > 0 ? `, scopes ${p.scopes.join(' ')}` : '';
    if (!old) {
      push(
        K.CREDENTIAL_PROVIDER_ADDED,
        true,
        `new ${p.kind} credential provider ${id}${p.flow ? ` (${p.flow})` : ''}${scopes}`,
      );
      continue;
    }
    sets(
      old.scopes,
      p.scopes,
      (x) => push(K.CREDENTIAL_SCOPE_ADDED, true, `may request scope ${x} from ${id}`),
      (x) => push(K.CREDENTIAL_SCOPE_REMOVED, false, `no longer requests scope ${x} from ${id}`),
    );
    if (old.flow !== p.flow && p.flow === 'user-delegated') {
      push(
        K.CREDENTIAL_PROVIDER_ADDED,
        true,
        `${id} now used with user-delegated tokens (was ${old.flow ?? 'undeclared'})`,
      );
    }
  }
  for (const id of bProv.keys())
    if (!aProv.has(id)) push(K.CREDENTIAL_PROVIDER_REMOVED, false, `credential provider ${id} removed`);

  const bAud = new Set(b.webIdentityTokens.flatMap((t) => t.audiences));
  const aAud = new Set(a.webIdentityTokens.flatMap((t) => t.audiences));
  sets(
    [...bAud],
    [...aAud],
    (x) => push(K.WEB_IDENTITY_AUDIENCE_ADDED, true, `may obtain AWS-signed JWTs for audience ${x}`),
    (x) => push(K.WEB_IDENTITY_AUDIENCE_REMOVED, false, `no longer obtains JWTs for audience ${x}`),
  );
  const bMax = longest(b);
  const aMax = longest(a);
  if (bAud.size > 0 && aAud.size > 0 && bMax !== aMax) {
    const longer = aMax === null || (bMax !== null && aMax > bMax);
    push(
      longer ? K.WEB_IDENTITY_DURATION_LENGTHENED : K.WEB_IDENTITY_DURATION_SHORTENED,
      longer,
      `web identity token lifetime ${bMax ?? 'unbounded'} s → ${aMax ?? 'unbounded'} s`,
    );
  }

  compareInbound(b.inboundAuthorizer, a.inboundAuthorizer, push);

  const bd = b.userDelegation;
  const ad = a.userDelegation;
  if (!bd && ad) push(K.USER_DELEGATION_ADDED, true, ad.summary);
  else if (bd && !ad) push(K.USER_DELEGATION_REMOVED, false, `no longer ${bd.summary}`);
  else if (bd && ad) {
    if (bd.via !== ad.via || bd.issuer !== ad.issuer) {
      push(
        K.USER_DELEGATION_CHANGED,
        ad.via === 'user-id' || bd.issuer !== ad.issuer,
        `${bd.summary} → ${ad.summary}`,
      );
    }
    sets(
      bd.scopes,
      ad.scopes,
      (x) => push(K.CREDENTIAL_SCOPE_ADDED, true, `acts for users with scope ${x}`),
      (x) => push(K.CREDENTIAL_SCOPE_REMOVED, false, `no longer acts for users with scope ${x}`),
    );
  }
  return out;
}

const EMPTY: CredentialEntitlements = {
  obtainedBy: null,
  workloadIdentities: [],
  providers: [],
  webIdentityTokens: [],
  inboundAuthorizer: null,
  userDelegation: null,
};

function compareInbound(
  b: InboundAuthorizerEntitlement | null,
  a: InboundAuthorizerEntitlement | null,
  push: (kind: string, widened: boolean, description: string) => void,
): void {
  if (!b && !a) return;
  if (!a)
    return push(
      K.INBOUND_CALLERS_WIDENED,
      true,
      `inbound JWT authorizer ${b!.discoveryUrl} no longer declared`,
    );
  if (!b) return push(K.INBOUND_CALLERS_NARROWED, false, `inbound JWT authorizer ${a.discoveryUrl} declared`);
  if (a.discoveryUrl !== b.discoveryUrl || a.issuer !== b.issuer) {
    push(
      K.INBOUND_CALLERS_WIDENED,
      true,
      `inbound issuer ${b.issuer ?? b.discoveryUrl} → ${a.issuer ?? a.discoveryUrl}`,
    );
  }
  for (const [name, x, y] of [
    ['audiences', b.allowedAudiences, a.allowedAudiences],
    ['clients', b.allowedClients, a.allowedClients],
    ['scopes', b.allowedScopes, a.allowedScopes],
  ] as const) {
    if (x.length > 0 && y.length === 0) {
      push(
        K.INBOUND_CALLERS_WIDENED,
        true,
        `inbound allowed ${name} no longer checked (were ${x.join(', ')})`,
      );
    } else if (x.length === 0 && y.length > 0) {
      push(K.INBOUND_CALLERS_NARROWED, false, `inbound allowed ${name} now checked: ${y.join(', ')}`);
    } else {
      sets(
        x,
        y,
        (v) => push(K.INBOUND_CALLERS_WIDENED, true, `inbound allowed ${name} + ${v}`),
        (v) => push(K.INBOUND_CALLERS_NARROWED, false, `inbound allowed ${name} - ${v}`),
      );
    }
  }
}

function longest(c: CredentialEntitlements): number | null {
  let max = 0;
  for (const t of c.webIdentityTokens) {
    if (t.maxDurationSeconds === null) return null;
    max = Math.max(max, t.maxDurationSeconds);
  }
  return max;
}

function sets(
  before: string[],
  after: string[],
  added: (x: string) => void,
  removed: (x: string) => void,
): void {
  const b = new Set(before);
  const a = new Set(after);
  for (const x of a) if (!b.has(x)) added(x);
  for (const x of b) if (!a.has(x)) removed(x);
}
