import { AgentEntitlementRecord } from './entitlement-report-schema';

/** The Markdown cell helpers of the report renderer. */
export interface MarkdownCells {
  /** A table row. */
  readonly row: (cells: string[]) => string;
  /** A code span. */
  readonly code: (value: string) => string;
  /** Plain text, escaped. */
  readonly text: (value: string) => string;
}

/**
 * The "Identity beyond IAM" section of one agent: workload identities, who may call it, whom it
 * acts for, credential providers with their scopes, web identity tokens. Empty when it has none.
 */
export function credentialsMarkdown(a: AgentEntitlementRecord, { row, code, text }: MarkdownCells): string[] {
  const c = a.credentials;
  if (!c) return [];
  const out: string[] = ['### Identity beyond IAM (AgentCore, federation)', ''];
  out.push(row(['What', 'Value']), row(['---', '---']));
  const identities = c.workloadIdentities.map(
    (w) => `${code(w.identity)}: ${w.actions.map(code).join(', ')}`,
  );
  out.push(
    row([
      'Workload identity',
      (identities.join('<br>') || '_no token actions on the role_') +
        (c.obtainedBy ? ` (tokens obtained by ${code(c.obtainedBy)})` : ''),
    ]),
  );
  const inbound = c.inboundAuthorizer;
  out.push(
    row([
      'Who may call it',
      inbound
        ? `tokens of ${code(inbound.issuer ?? inbound.discoveryUrl)}` +
          list(' for audiences ', inbound.allowedAudiences, code) +
          list(', clients ', inbound.allowedClients, code) +
          list(', scopes ', inbound.allowedScopes, code)
        : '_no inbound authorizer declared_',
    ]),
  );
  const d = c.userDelegation;
  out.push(
    row([
      'Acts for users',
      d ? text(d.summary) + (d.reason ? ` — reason: ${text(d.reason)}` : '') : 'no (acts only as itself)',
    ]),
  );
  out.push(
    row([
      'Credential providers',
      c.providers
        .map(
          (p) =>
            `${code(p.provider)} (${[p.kind, p.flow ?? undefined].filter(Boolean).join(', ')}` +
            `${p.scopes.length > 0 ? `; scopes ${p.scopes.map(code).join(' ')}` : ''})`,
        )
        .join('<br>') || 'none',
    ]),
  );
  out.push(
    row([
      'Web identity tokens',
      c.webIdentityTokens
        .map(
          (t) =>
            `audience ${t.audiences.map(code).join(', ')}, at most ${t.maxDurationSeconds === null ? '**unbounded**' : `${t.maxDurationSeconds} s`}`,
        )
        .join('<br>') || 'none',
    ]),
  );
  out.push('');
  return out;
}

function list(prefix: string, values: string[], code: (v: string) => string): string {
  return values.length > 0 ? `${prefix}${values.map(code).join(', ')}` : '';
}
