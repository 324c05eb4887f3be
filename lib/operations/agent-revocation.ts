import { AgentCoreIdentityNames } from '../shared/agentcore-identity';
import { AgentTagKeys } from '../shared/tag-keys';

/**
 * What a revocation writes on an agent role, in one place: the CLI (`agent-identity revoke`), the
 * automatic-containment handler and the permissions guardrails that honour a revocation all read from here.
 *
 * A revocation is two independent marks on the role, each enough on its own to deny everything:
 *
 * 1. the inline policy {@link AgentRevocation.POLICY_NAME}: AWS's revoke-older-sessions deny
 *    (`aws:TokenIssueTime` earlier than the revocation), a deny of every action for sessions
 *    issued later (new sessions are useless), and a named deny of the AgentCore token vault
 *    (workload access tokens, OAuth2 tokens, API keys);
 * 2. the role tag {@link AgentRevocation.REVOKED_TAG} (the revocation time), which the permissions guardrails
 *    of every agent (its permissions boundary and its permissions-guardrail policy) and the organization's
 *    service control policy honour with a deny of every action.
 *
 * Neither mark is declared in any template, so `cdk deploy` of the agent's stack does not write or
 * remove it (CloudFormation updates what the template declared); and should one of them ever be
 * dropped, the other still denies everything. Agents cannot lift either: the permissions guardrails deny every
 * IAM write (`iam:DeleteRolePolicy`, `iam:UntagRole`, ...) to every agent.
 */
export class AgentRevocation {
  /** Name of the inline policy a revocation puts on the role (never written by the library's constructs). */
  public static readonly POLICY_NAME = 'AgentIdentityRevocation';
  /** Role tag holding the revocation time (ISO 8601); its presence denies everything. */
  public static readonly REVOKED_TAG = `${AgentTagKeys.PREFIX}revoked`;
  /** Role tag holding the reason given for the revocation (informational, truncated to 256 characters). */
  public static readonly REASON_TAG = `${AgentTagKeys.PREFIX}revoked-reason`;
  /**
   * The AgentCore Identity actions that hand an agent a workload access token or a credential from
   * the token vault; a revocation denies them by name, so the cut is explicit in the policy.
   */
  public static readonly CREDENTIAL_PROVIDER_ACTIONS: string[] = Object.freeze([
    ...AgentCoreIdentityNames.WORKLOAD_TOKEN_ACTIONS,
    AgentCoreIdentityNames.GET_RESOURCE_OAUTH2_TOKEN,
    AgentCoreIdentityNames.GET_RESOURCE_API_KEY,
    AgentCoreIdentityNames.GET_RESOURCE_PAYMENT_TOKEN,
    AgentCoreIdentityNames.COMPLETE_RESOURCE_TOKEN_AUTH,
  ]) as string[];
  /** Statement ids of the revocation policy, in order. */
  public static readonly STATEMENT_IDS: string[] = Object.freeze([
    'RevokeOlderSessions',
    'RefuseNewerSessions',
    'CutCredentialProviders',
  ]) as string[];

  /**
   * The revocation policy for a revocation at `revokedAt`.
   *
   * The first statement is AWS's own revoke-older-sessions policy (the IAM console's "Revoke active
   * sessions"); the second denies the sessions issued at or after that time, which the first lets
   * through; the third names the token-vault actions (already covered by the first two) so a
   * reviewer reading the policy sees the credential cut. Nothing is conditioned on a key a caller
   * controls.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public static policyDocument(revokedAt: Date): { [key: string]: any } {
    const time = AgentRevocation.timestamp(revokedAt);
    const document: RevocationPolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'RevokeOlderSessions',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { DateLessThan: { 'aws:TokenIssueTime': time } },
        },
        { Sid: 'RefuseNewerSessions', Effect: 'Deny', Action: '*', Resource: '*' },
        {
          Sid: 'CutCredentialProviders',
          Effect: 'Deny',
          Action: [...AgentRevocation.CREDENTIAL_PROVIDER_ACTIONS],
          Resource: '*',
        },
      ],
    };
    return document;
  }

  /**
   * The revocation time as written into the policy and the tag: ISO 8601 in UTC to the second,
   * rounded up, so a session issued within the second of the revocation counts as older.
   */
  public static timestamp(revokedAt: Date): string {
    return isoSeconds(revokedAt);
  }

  /**
   * The value of the reason tag: IAM tag values allow letters, digits, spaces and `_ . : / = + - @`
   * up to 256 characters; anything else becomes a space.
   */
  public static reasonTagValue(reason: string): string {
    return reason
      .replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 256);
  }

  private constructor() {}
}

/** The revocation policy document (IAM JSON). */
interface RevocationPolicyDocument {
  /** Always `2012-10-17`. */
  readonly Version: string;
  /** The three deny statements. */
  readonly Statement: RevocationStatement[];
}

/** One deny statement of the revocation policy. */
interface RevocationStatement {
  /** Statement id, one of {@link AgentRevocation.STATEMENT_IDS}. */
  readonly Sid: string;
  /** Always `Deny`. */
  readonly Effect: string;
  /** `*` or the named actions. */
  readonly Action: string | string[];
  /** Always `*`. */
  readonly Resource: string;
  /** The `aws:TokenIssueTime` condition of the first statement. */
  readonly Condition?: Record<string, Record<string, string>>;
}

function isoSeconds(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new Error(`revocation time must be a valid date, got ${String(date)}`);
  }
  const seconds = Math.ceil(date.getTime() / 1000) * 1000;
  return new Date(seconds).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
