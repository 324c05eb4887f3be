/* eslint-disable @typescript-eslint/no-explicit-any */
import { AgentCoreIdentityNames } from '../shared/agentcore-identity';
import {
  ConditionMap,
  CredentialEntitlements,
  CredentialProviderEntitlement,
  InboundAuthorizerEntitlement,
  UserDelegationEntitlement,
  WebIdentityTokenEntitlement,
  WorkloadIdentityEntitlement,
} from './entitlement-report-schema';
import { matchesPattern } from './iam-pattern';
import { renderIntrinsics, renderList } from './render-intrinsics';

/** A rendered statement, as the report builder holds it. */
export interface CredentialStatement {
  readonly effect: string;
  readonly actions: string[];
  readonly notActions?: string[];
  readonly resources: string[];
  readonly conditions: ConditionMap;
}

const WEB_IDENTITY_TOKEN = 'sts:GetWebIdentityToken';

/**
 * Reads an agent's identity beyond IAM from its role's template entry and rendered statements:
 * workload identities and credential providers from the Allow statements (what IAM will grant),
 * web identity tokens from `sts:GetWebIdentityToken` and its audience / duration conditions, and —
 * what IAM cannot express — provider kind, flow and scopes, the inbound authorizer and user
 * delegation from the role's `cdk-agent-identity:credentials` metadata. Undefined when the agent
 * has none of these.
 */
export function readCredentialEntitlements(
  role: any,
  statements: CredentialStatement[],
): CredentialEntitlements | undefined {
  const declared = role?.Metadata?.[AgentCoreIdentityNames.METADATA_KEY];
  const identities = new Map<string, { actions: Set<string>; conditions: ConditionMap }>();
  const providers = new Map<string, { actions: Set<string>; identities: Set<string> }>();
  const webTokens: WebIdentityTokenEntitlement[] = [];
  for (const s of statements) {
    if (s.effect !== 'Allow' || s.notActions) continue;
    const token = covered(s, AgentCoreIdentityNames.WORKLOAD_TOKEN_ACTIONS);
    const vault = covered(s, AgentCoreIdentityNames.TOKEN_VAULT_ACTIONS);
    const named = s.resources.filter((r) => kindOf(r) === 'identity' || r === '*');
    for (const r of s.resources) {
      const kind = kindOf(r);
      if (token.length > 0 && (kind === 'identity' || r === '*')) {
        const entry = identities.get(r) ?? { actions: new Set<string>(), conditions: {} };
        token.forEach((a) => entry.actions.add(a));
        mergeConditions(entry.conditions, s.conditions);
        identities.set(r, entry);
      }
      if (vault.length > 0 && (kind === 'provider' || r === '*')) {
        const entry = providers.get(r) ?? { actions: new Set<string>(), identities: new Set<string>() };
        vault.forEach((a) => entry.actions.add(a));
        named.forEach((i) => entry.identities.add(i));
        providers.set(r, entry);
      }
    }
    if (covered(s, [WEB_IDENTITY_TOKEN]).length > 0) webTokens.push(webIdentityToken(s.conditions));
  }
  const declaredProviders: any[] = Array.isArray(declared?.providers) ? declared.providers : [];
  const providerList: CredentialProviderEntitlement[] = [...providers.entries()].map(([provider, e]) => {
    const d = declaredProviders.find((p) => renderIntrinsics(p?.provider) === provider);
    return {
      provider,
      kind: typeof d?.kind === 'string' ? d.kind : guessKind(provider, [...e.actions]),
      flow: typeof d?.flow === 'string' ? d.flow : null,
      scopes: renderList(d?.scopes).sort(),
      actions: [...e.actions].sort(),
      workloadIdentities: [...e.identities].sort(),
    };
  });
  const identityList: WorkloadIdentityEntitlement[] = [...identities.entries()].map(([identity, e]) => ({
    identity,
    actions: [...e.actions].sort(),
    conditions: e.conditions,
  }));
  const result: CredentialEntitlements = {
    obtainedBy: typeof declared?.obtainedBy === 'string' ? declared.obtainedBy : null,
    workloadIdentities: identityList.sort((a, b) => a.identity.localeCompare(b.identity)),
    providers: providerList.sort((a, b) => a.provider.localeCompare(b.provider)),
    webIdentityTokens: webTokens.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    inboundAuthorizer: inboundAuthorizer(declared?.inboundAuthorizer),
    userDelegation: userDelegation(declared?.userDelegation),
  };
  const empty =
    result.obtainedBy === null &&
    result.workloadIdentities.length === 0 &&
    result.providers.length === 0 &&
    result.webIdentityTokens.length === 0 &&
    result.inboundAuthorizer === null &&
    result.userDelegation === null;
  return empty ? undefined : result;
}

/** The report's optional `credentials` field of an agent: `{}` when it has none. */
export function credentialsField(
  role: any,
  statements: CredentialStatement[],
): { credentials?: CredentialEntitlements } {
  const credentials = readCredentialEntitlements(role, statements);
  return credentials ? { credentials } : {};
}

/** The one-line summary of user delegation shown in the report. */
export function delegationSummary(via: string, issuer: string | null, scopes: string[]): string {
  const who = via === 'user-id' ? 'any user named by id' : `users of ${issuer ?? 'the inbound issuer'}`;
  return `acts for ${who}, scopes ${scopes.length > 0 ? scopes.join(' ') : '(none declared)'}`;
}

function covered(s: CredentialStatement, actions: readonly string[]): string[] {
  return actions.filter((a) => s.actions.some((w) => matchesPattern(a.toLowerCase(), w.toLowerCase())));
}

function kindOf(resource: string): 'identity' | 'provider' | 'other' {
  if (/workload-identity-directory\/[^/]+\/workload-identity\/./.test(resource)) return 'identity';
  if (/\.(WorkloadIdentityArn|WorkloadIdentityDetails[.A-Za-z]*)\}$/.test(resource)) return 'identity';
  if (/credentialprovider\/./.test(resource) || /\.CredentialProviderArn\}$/.test(resource))
    return 'provider';
  return 'other';
}

function guessKind(provider: string, actions: string[]): string {
  if (/apikeycredentialprovider/.test(provider) || actions.every((a) => /GetResourceApiKey$/.test(a))) {
    return 'api-key';
  }
  if (/oauth2credentialprovider/.test(provider) || actions.some((a) => /Oauth2|TokenAuth/.test(a)))
    return 'oauth2';
  return 'unknown';
}

function mergeConditions(into: ConditionMap, from: ConditionMap): void {
  for (const [op, keys] of Object.entries(from)) {
    into[op] = into[op] ?? {};
    for (const [key, values] of Object.entries(keys)) {
      into[op][key] = [...new Set([...(into[op][key] ?? []), ...values])].sort();
    }
  }
}

function webIdentityToken(conditions: ConditionMap): WebIdentityTokenEntitlement {
  const audienceKey = 'sts:IdentityTokenAudience';
  const durationKey = 'sts:DurationSeconds';
  let audiences: string[] | undefined;
  for (const op of ['ForAllValues:StringEquals', 'StringEquals']) {
    const values = lookup(conditions, op, audienceKey);
    if (values) audiences = values;
  }
  let max: number | null = null;
  const le = lookup(conditions, 'NumericLessThanEquals', durationKey);
  const lt = lookup(conditions, 'NumericLessThan', durationKey);
  if (le && le.length > 0) max = Math.max(...le.map(Number));
  else if (lt && lt.length > 0) max = Math.max(...lt.map(Number)) - 1;
  return {
    audiences: audiences ? [...audiences].sort() : ['*'],
    maxDurationSeconds: max !== null && Number.isFinite(max) ? max : null,
  };
}

function lookup(conditions: ConditionMap, op: string, key: string): string[] | undefined {
  const block = Object.entries(conditions).find(([o]) => o.toLowerCase() === op.toLowerCase())?.[1];
  if (!block) return undefined;
  return Object.entries(block).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
}

function inboundAuthorizer(value: any): InboundAuthorizerEntitlement | null {
  if (!value || typeof value !== 'object') return null;
  return {
    discoveryUrl: renderIntrinsics(value.discoveryUrl),
    issuer: value.issuer !== undefined ? renderIntrinsics(value.issuer) : null,
    allowedAudiences: renderList(value.allowedAudiences).sort(),
    allowedClients: renderList(value.allowedClients).sort(),
    allowedScopes: renderList(value.allowedScopes).sort(),
  };
}

function userDelegation(value: any): UserDelegationEntitlement | null {
  if (!value || typeof value !== 'object') return null;
  const via = renderIntrinsics(value.via);
  const issuer = value.issuer !== undefined ? renderIntrinsics(value.issuer) : null;
  const scopes = renderList(value.scopes).sort();
  return {
    via,
    issuer,
    scopes,
    reason: value.reason !== undefined ? renderIntrinsics(value.reason) : null,
    summary: delegationSummary(via, issuer, scopes),
  };
}
