import {
  DeleteRolePolicyCommand,
  IAMClient,
  ListRoleTagsCommand,
  paginateListRoles,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
} from '@aws-sdk/client-iam';
import { EntitlementReportJson } from '../report/entitlement-report-schema';
import { errorMessage, isAccessDenied, isCredentialsProblem, isNoSuchEntity } from '../review/review-errors';
import { AgentTagKeys } from '../shared/tag-keys';
import { AgentRevocation } from './agent-revocation';

/** Which agents a revocation (or its undo) applies to: exactly one of the three. */
export interface RevocationSelector {
  /** One agent, by its `ai:agent` name. */
  readonly agentName?: string;
  /** Every agent whose `ai:tenant` is this tenant. */
  readonly tenant?: string;
  /** Every agent (every role tagged `ai:agent`). */
  readonly fleet?: boolean;
}

/** An agent role a revocation applies to. */
export interface RevocationTarget {
  /** Value of the `ai:agent` tag. */
  readonly agentName: string;
  /** The IAM role name. */
  readonly roleName: string;
  /** Value of the `ai:tenant` tag; undefined for a platform agent. */
  readonly tenant?: string;
  /** Where the role name came from: the entitlement report (offline) or the role's tags in IAM. */
  readonly source: 'report' | 'iam';
}

/** One IAM call of a revocation, exactly as it is (or would be) sent. */
export interface RevocationCall {
  /** The IAM action, e.g. `iam:PutRolePolicy`. */
  readonly action: string;
  /** The agent the call is for. */
  readonly agentName: string;
  /** The request parameters (the policy document is a JSON string, as IAM receives it). */
  readonly parameters: Record<string, unknown>;
}

/** What happened to one agent. */
export interface AgentRevocationOutcome {
  /** Value of the `ai:agent` tag. */
  readonly agentName: string;
  /** The IAM role name. */
  readonly roleName: string;
  /**
   * `revoked` / `restored`: every call succeeded. `partial`: some calls succeeded (see `done` and
   * `failed`; the agent's state is described in `state`). `failed`: no call succeeded.
   */
  readonly status: 'revoked' | 'restored' | 'partial' | 'failed';
  /** The agent's access after this run, as far as the calls made tell. */
  readonly state: string;
  /** Calls that succeeded (or found the state already in place). */
  readonly done: string[];
  /** Calls that failed, with IAM's error. */
  readonly failed: { readonly action: string; readonly error: string }[];
  /** Calls not made because an earlier call for this agent failed. */
  readonly notAttempted: string[];
}

/** The result of a revocation run. */
export interface RevocationResult {
  /** `revoke` or `undo`. */
  readonly operation: 'revoke' | 'undo';
  /** The reason given on the command line. */
  readonly reason: string;
  /** The revocation time written into the policy and tag (undefined for an undo). */
  readonly revokedAt?: string;
  /** One outcome per agent, in the order of the targets. */
  readonly agents: AgentRevocationOutcome[];
  /** True only when every call of every agent succeeded. */
  readonly complete: boolean;
}

/** Thrown for input the operator must fix: unknown agent, empty selection, ambiguous role. */
export class RevocationInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RevocationInputError';
  }
}

/** Thrown when the caller has no usable credentials or may not list the roles. */
export class RevocationAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RevocationAccessError';
  }
}

/** The IAM actions `agent-identity revoke` calls (the caller needs them on the agent roles; ListRoles on `*`). */
export const REVOKE_REQUIRED_ACTIONS: readonly string[] = [
  'iam:ListRoles',
  'iam:ListRoleTags',
  'iam:PutRolePolicy',
  'iam:TagRole',
  'iam:DeleteRolePolicy',
  'iam:UntagRole',
];

/** True when a report role name is a placeholder for a name CloudFormation generates. */
export function isPlaceholderRoleName(roleName: string): boolean {
  return roleName.includes('${');
}

/**
 * The agents of an entitlement report that the selector picks. Fails with a
 * {@link RevocationInputError} naming the known agents or tenants when it picks none.
 */
export function targetsFromReport(
  report: EntitlementReportJson,
  selector: RevocationSelector,
): RevocationTarget[] {
  const all = report.agents.map((a) => ({
    agentName: a.agentName,
    roleName: a.roleName,
    tenant: a.tenant ?? undefined,
    source: 'report' as const,
  }));
  return select(all, selector, 'the entitlement report');
}

/**
 * The agent roles of the caller's account that the selector picks, found by their `ai:agent` tag
 * (ListRoles, then ListRoleTags per role).
 */
export async function targetsFromAccount(
  client: IAMClient,
  selector: RevocationSelector,
): Promise<RevocationTarget[]> {
  const found: RevocationTarget[] = [];
  try {
    for await (const page of paginateListRoles({ client }, {})) {
      for (const role of page.Roles ?? []) {
        if (!role.RoleName || role.Path?.startsWith('/aws-service-role/')) continue;
        const tags = await client.send(new ListRoleTagsCommand({ RoleName: role.RoleName }));
        const tag = (key: string) => tags.Tags?.find((t) => t.Key === key)?.Value;
        const agentName = tag(AgentTagKeys.AGENT);
        if (agentName === undefined) continue;
        found.push({ agentName, roleName: role.RoleName, tenant: tag(AgentTagKeys.TENANT), source: 'iam' });
      }
    }
  } catch (error) {
    if (isCredentialsProblem(error) || isAccessDenied(error) || /credential/i.test(errorMessage(error))) {
      throw new RevocationAccessError(
        `cannot look up the agent roles: ${errorMessage(error)}; use AWS credentials allowed ` +
          `${REVOKE_REQUIRED_ACTIONS.join(', ')}, or pass --report cdk.out/agent-entitlements.json with --dry-run to plan offline`,
      );
    }
    throw error;
  }
  return select(found, selector, 'the account (roles tagged ai:agent)');
}

/**
 * Resolves report targets whose role name CloudFormation generated (a placeholder in the report)
 * through the account, by the `ai:agent` tag. Targets with literal names are returned as they are.
 */
export async function resolvePlaceholders(
  client: IAMClient,
  targets: RevocationTarget[],
): Promise<RevocationTarget[]> {
  if (!targets.some((t) => isPlaceholderRoleName(t.roleName))) return targets;
  const live = await targetsFromAccount(client, { fleet: true });
  return targets.map((t) => {
    if (!isPlaceholderRoleName(t.roleName)) return t;
    const matches = live.filter((l) => l.agentName === t.agentName);
    if (matches.length !== 1) {
      throw new RevocationInputError(
        `agent ${JSON.stringify(t.agentName)} is in the report with a generated role name (${t.roleName}), and ` +
          `${matches.length === 0 ? 'no role' : `${matches.length} roles`} in the account carry the tag ${AgentTagKeys.AGENT}=${t.agentName}; ` +
          'deploy the stack first, or fix the duplicate tags',
      );
    }
    return { ...t, roleName: matches[0].roleName, source: 'iam' as const };
  });
}

/**
 * Every IAM call a revocation (or, with `undo`, its removal) makes, in order. Per agent: revoke
 * writes the policy first (it denies everything on any role), then the tag; undo removes the tag
 * first and the policy last, so an undo that stops half-way leaves the agent revoked.
 */
export function planRevocation(
  targets: readonly RevocationTarget[],
  options: { readonly undo: boolean; readonly reason: string; readonly revokedAt: Date },
): RevocationCall[] {
  const calls: RevocationCall[] = [];
  const time = AgentRevocation.timestamp(options.revokedAt);
  for (const t of targets) {
    if (options.undo) {
      calls.push({
        action: 'iam:UntagRole',
        agentName: t.agentName,
        parameters: {
          RoleName: t.roleName,
          TagKeys: [AgentRevocation.REVOKED_TAG, AgentRevocation.REASON_TAG],
        },
      });
      calls.push({
        action: 'iam:DeleteRolePolicy',
        agentName: t.agentName,
        parameters: { RoleName: t.roleName, PolicyName: AgentRevocation.POLICY_NAME },
      });
    } else {
      calls.push({
        action: 'iam:PutRolePolicy',
        agentName: t.agentName,
        parameters: {
          RoleName: t.roleName,
          PolicyName: AgentRevocation.POLICY_NAME,
          PolicyDocument: JSON.stringify(AgentRevocation.policyDocument(options.revokedAt)),
        },
      });
      const reason = AgentRevocation.reasonTagValue(options.reason);
      calls.push({
        action: 'iam:TagRole',
        agentName: t.agentName,
        parameters: {
          RoleName: t.roleName,
          Tags: [
            { Key: AgentRevocation.REVOKED_TAG, Value: time },
            ...(reason ? [{ Key: AgentRevocation.REASON_TAG, Value: reason }] : []),
          ],
        },
      });
    }
  }
  return calls;
}

/**
 * Makes the planned calls. Every agent is attempted even when another fails; within one agent the
 * calls stop at the first failure (the later ones are reported as not attempted). Re-running is safe:
 * PutRolePolicy and TagRole overwrite, and an undo that finds the policy already gone counts it as done.
 */
export async function executeRevocation(
  client: IAMClient,
  targets: readonly RevocationTarget[],
  options: { readonly undo: boolean; readonly reason: string; readonly revokedAt: Date },
): Promise<RevocationResult> {
  const calls = planRevocation(targets, options);
  const outcomes: AgentRevocationOutcome[] = [];
  for (const t of targets) {
    const own = calls.filter((c) => c.agentName === t.agentName && c.parameters.RoleName === t.roleName);
    const done: string[] = [];
    const failed: { action: string; error: string }[] = [];
    const notAttempted: string[] = [];
    for (const call of own) {
      if (failed.length > 0) {
        notAttempted.push(call.action);
        continue;
      }
      try {
        await send(client, call);
        done.push(call.action);
      } catch (error) {
        if (call.action === 'iam:DeleteRolePolicy' && isNoSuchEntity(error)) {
          done.push(call.action);
          continue;
        }
        failed.push({ action: call.action, error: describe(error) });
      }
    }
    outcomes.push(outcome(t, options.undo, done, failed, notAttempted));
  }
  return {
    operation: options.undo ? 'undo' : 'revoke',
    reason: options.reason,
    revokedAt: options.undo ? undefined : AgentRevocation.timestamp(options.revokedAt),
    agents: outcomes,
    complete: outcomes.every((o) => o.status === 'revoked' || o.status === 'restored'),
  };
}

function outcome(
  t: RevocationTarget,
  undo: boolean,
  done: string[],
  failed: { action: string; error: string }[],
  notAttempted: string[],
): AgentRevocationOutcome {
  const base = { agentName: t.agentName, roleName: t.roleName, done, failed, notAttempted };
  if (failed.length === 0) {
    return {
      ...base,
      status: undo ? 'restored' : 'revoked',
      state: undo
        ? 'restored: revocation policy and tags removed'
        : 'revoked: every session denied, new sessions useless, token vault cut',
    };
  }
  const status = done.length === 0 ? 'failed' : 'partial';
  let state: string;
  if (!undo) {
    state = done.includes('iam:PutRolePolicy')
      ? 'revoked by the inline policy (every action denied); the revocation tag is missing: re-run to complete'
      : 'NOT revoked: the revocation policy was not written';
  } else {
    state = done.includes('iam:UntagRole')
      ? 'STILL REVOKED by the inline policy; the tag was removed: re-run the undo to complete'
      : 'STILL REVOKED: nothing was removed';
  }
  return { ...base, status, state };
}

async function send(client: IAMClient, call: RevocationCall): Promise<void> {
  const p = call.parameters as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (call.action) {
    case 'iam:PutRolePolicy':
      await client.send(new PutRolePolicyCommand(p));
      return;
    case 'iam:TagRole':
      await client.send(new TagRoleCommand(p));
      return;
    case 'iam:UntagRole':
      await client.send(new UntagRoleCommand(p));
      return;
    case 'iam:DeleteRolePolicy':
      await client.send(new DeleteRolePolicyCommand(p));
      return;
    default:
      throw new Error(`unknown revocation call ${call.action}`);
  }
}

function describe(error: unknown): string {
  const name = (error as { name?: string } | undefined)?.name;
  const message = errorMessage(error);
  return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}

function select(all: RevocationTarget[], selector: RevocationSelector, where: string): RevocationTarget[] {
  const given = [selector.agentName !== undefined, selector.tenant !== undefined, selector.fleet === true];
  if (given.filter(Boolean).length !== 1) {
    throw new RevocationInputError('name exactly one of: an agent, --tenant <tenant>, or --fleet');
  }
  let picked: RevocationTarget[];
  if (selector.agentName !== undefined) {
    picked = all.filter((t) => t.agentName === selector.agentName);
    if (picked.length === 0) {
      throw new RevocationInputError(
        `unknown agent ${JSON.stringify(selector.agentName)}: not found in ${where}; known agents: ${list(all.map((t) => t.agentName))}`,
      );
    }
  } else if (selector.tenant !== undefined) {
    picked = all.filter((t) => t.tenant === selector.tenant);
    if (picked.length === 0) {
      throw new RevocationInputError(
        `no agent of tenant ${JSON.stringify(selector.tenant)} in ${where}; known tenants: ${list(all.map((t) => t.tenant ?? ''))}`,
      );
    }
  } else {
    picked = all;
    if (picked.length === 0) throw new RevocationInputError(`no agents in ${where}`);
  }
  return picked;
}

function list(values: string[]): string {
  const unique = [...new Set(values.filter((v) => v !== ''))].sort();
  if (unique.length === 0) return '(none)';
  return unique.length > 20 ? `${unique.slice(0, 20).join(', ')}, ... (${unique.length})` : unique.join(', ');
}
