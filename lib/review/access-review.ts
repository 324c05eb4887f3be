import {
  GenerateServiceLastAccessedDetailsCommand,
  GetRoleCommand,
  GetServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsCommandOutput,
  IAMClient,
  paginateListRoles,
  Role,
  ServiceLastAccessed,
} from '@aws-sdk/client-iam';
import { AgentRevocation } from '../operations/agent-revocation';
import { AgentTagKeys } from '../shared/tag-keys';
import { reachableCredentialProviders } from './credential-reach';
import {
  errorMessage,
  isAccessDenied,
  isCredentialsProblem,
  isNoSuchEntity,
  isThrottling,
  MissingPermissionsError,
  missingPermissions,
} from './review-errors';

/** Options of {@link reviewAgentRoles}. */
export interface AccessReviewOptions {
  /**
   * An agent (and each service it was granted) counts as unused when it was not used within this many days.
   * @default 90
   */
  readonly unusedDays?: number;
  /**
   * How long to wait, per role, for the service-last-accessed job before reporting it as timed out.
   * @default 120
   */
  readonly maxWaitSeconds?: number;
  /**
   * Only roles whose path starts with this prefix are listed (`ListRoles` `PathPrefix`).
   * @default '/' (every role)
   */
  readonly pathPrefix?: string;
  /**
   * How many roles are inspected at the same time.
   * @default 4
   */
  readonly concurrency?: number;
  /**
   * How many times a call that is still throttled after the SDK's own retries is tried again, with
   * exponential backoff (1 s, 2 s, 4 s, ... up to 20 s).
   * @default 4
   */
  readonly throttleRetries?: number;
  /**
   * The current time; injectable so staleness is deterministic in tests.
   * @default () => new Date()
   */
  readonly now?: () => Date;
  /**
   * Waits the given milliseconds; injectable so tests do not wait.
   * @default setTimeout
   */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Receives one-line progress messages (the CLI prints them on stderr).
   * @default no progress output
   */
  readonly onProgress?: (message: string) => void;
}

/** Outcome of IAM's service-last-accessed (access advisor) job for one role. */
export class AccessAdvisorStatus {
  /** The job finished; `services` is complete. */
  public static readonly COMPLETED = 'COMPLETED';
  /** IAM reported the job as failed; see `message`. */
  public static readonly FAILED = 'FAILED';
  /** The job did not finish within the bounded wait (`--max-wait-seconds`). */
  public static readonly TIMED_OUT = 'TIMED_OUT';
  /** Starting or reading the job failed with an error other than access denied; see `message`. */
  public static readonly ERROR = 'ERROR';

  private constructor() {}
}

/** When one service granted to an agent was last used. */
export interface ServiceUse {
  /** The service namespace, e.g. `s3`, `bedrock`. */
  readonly namespace: string;
  /** The service's display name. */
  readonly name: string;
  /** ISO timestamp of the last authenticated call; undefined when never used in the tracking period. */
  readonly lastAuthenticated?: string;
  /** True when the service was not used within the threshold. */
  readonly unused: boolean;
}

/** The service-last-accessed result for one role. */
export interface AccessAdvisorResult {
  /** One of the {@link AccessAdvisorStatus} values. */
  readonly status: string;
  /** Why the job failed, timed out or errored; undefined when completed. */
  readonly message?: string;
  /** Every service the role's permissions policies grant, with its last use; empty unless completed. */
  readonly services: ServiceUse[];
  /** Namespaces of the granted services not used within the threshold, sorted. */
  readonly unusedServices: string[];
}

/** The review of one agent role. */
export interface AgentRoleReview {
  /** Value of the `ai:agent` tag. */
  readonly agentName: string;
  /** The IAM role name. */
  readonly roleName: string;
  /** The IAM role ARN. */
  readonly roleArn: string;
  /** Value of the `ai:tenant` tag, if any. */
  readonly tenant?: string;
  /** Value of the `ai:owner` tag: who answers for this agent in the review. */
  readonly owner?: string;
  /** Value of the `ai:clearance` tag, if any. */
  readonly clearance?: string;
  /** ISO timestamp the role was created. */
  readonly createdAt?: string;
  /** ISO timestamp the role was last used (`RoleLastUsed.LastUsedDate`); undefined when never used. */
  readonly lastUsedAt?: string;
  /** Region of the last use. */
  readonly lastUsedRegion?: string;
  /** Whole days between the last use and the review. */
  readonly daysSinceLastUse?: number;
  /** True when the role was never used, or last used before the threshold. */
  readonly stale: boolean;
  /** Why the role is stale; undefined when it is not. */
  readonly staleReason?: string;
  /** Services granted and whether they are used. */
  readonly accessAdvisor: AccessAdvisorResult;
  /** When the agent was revoked (`agent-identity revoke`, tag `ai:revoked`); undefined when it is not. */
  readonly revokedAt?: string;
  /** The reason recorded with the revocation (tag `ai:revoked-reason`). */
  readonly revocationReason?: string;
  /**
   * AgentCore token-vault credential providers (ARNs, or `*`) the role's Allow statements reach.
   * @default - absent when the role reaches none, or its policies could not be read
   */
  readonly credentialProviders?: string[];
}

/** The whole review: the quarterly access-review evidence for one account. */
export interface AccessReviewReport {
  /** Version of this JSON shape; bumped on incompatible change. */
  readonly schemaVersion: number;
  /** ISO timestamp of the review. */
  readonly generatedAt: string;
  /** The account the agent roles are in (from their ARNs); undefined when no agent role was found. */
  readonly accountId?: string;
  /** The `unusedDays` threshold applied. */
  readonly unusedDays: number;
  /** ISO timestamp before which a last use counts as stale. */
  readonly threshold: string;
  /** The `PathPrefix` roles were listed with. */
  readonly pathPrefix: string;
  /** How many roles were listed (agents and others). */
  readonly rolesScanned: number;
  /** Roles listed but deleted before they could be read. */
  readonly rolesVanished: string[];
  /** Agent roles, sorted by agent name then role name. */
  readonly agents: AgentRoleReview[];
  /** Counts for the summary line. */
  readonly summary: AccessReviewSummary;
}

/** Counts over a review. */
export interface AccessReviewSummary {
  /** Agent roles found. */
  readonly agents: number;
  /** Agent roles flagged stale. */
  readonly stale: number;
  /** Agent roles whose access advisor job failed, timed out or errored. */
  readonly incompleteAccessAdvisor: number;
  /** Agent roles with at least one unused service. */
  readonly withUnusedServices: number;
}

/** Version of {@link AccessReviewReport}. */
export const ACCESS_REVIEW_SCHEMA_VERSION = 1;

/**
 * Reviews every IAM role tagged `ai:agent` in the caller's account: tags, last use, services granted
 * but unused, and staleness. Throws {@link MissingPermissionsError} when IAM denies a call.
 */
export async function reviewAgentRoles(
  client: IAMClient,
  options: AccessReviewOptions = {},
): Promise<AccessReviewReport> {
  const ctx = context(options);
  const now = ctx.now();
  const threshold = new Date(now.getTime() - ctx.unusedDays * DAY_MS);

  const listed = await listRoles(client, ctx);
  ctx.progress(`listed ${listed.length} roles`);

  const vanished: string[] = [];
  let inspected = 0;
  const roles = await mapPool(listed, ctx.concurrency, async (roleName) => {
    const role = await getRole(client, ctx, roleName);
    inspected++;
    if (inspected % PROGRESS_EVERY === 0 || inspected === listed.length) {
      ctx.progress(`reviewed ${inspected}/${listed.length} roles`);
    }
    if (!role) vanished.push(roleName);
    return role;
  });

  const agentRoles = roles.filter((r): r is Role => !!r && tagValue(r, AgentTagKeys.AGENT) !== undefined);
  ctx.progress(`found ${agentRoles.length} agent roles (tagged ${AgentTagKeys.AGENT})`);

  let advised = 0;
  const agents = await mapPool(agentRoles, ctx.concurrency, async (role) => {
    const advice = await serviceLastAccessed(client, ctx, role, threshold);
    advised++;
    ctx.progress(`checked service last access ${advised}/${agentRoles.length} agents`);
    const providers = await reachableCredentialProviders(client, role.RoleName ?? '');
    const review = reviewOf(role, advice, now, threshold, ctx.unusedDays);
    return providers && providers.length > 0 ? { ...review, credentialProviders: providers } : review;
  });
  agents.sort((a, b) => compare(a.agentName, b.agentName) || compare(a.roleName, b.roleName));

  return {
    schemaVersion: ACCESS_REVIEW_SCHEMA_VERSION,
    generatedAt: now.toISOString(),
    accountId: agents.length > 0 ? agents[0].roleArn.split(':')[4] : undefined,
    unusedDays: ctx.unusedDays,
    threshold: threshold.toISOString(),
    pathPrefix: ctx.pathPrefix,
    rolesScanned: listed.length,
    rolesVanished: vanished.sort(compare),
    agents,
    summary: {
      agents: agents.length,
      stale: agents.filter((a) => a.stale).length,
      incompleteAccessAdvisor: agents.filter((a) => a.accessAdvisor.status !== AccessAdvisorStatus.COMPLETED)
        .length,
      withUnusedServices: agents.filter((a) => a.accessAdvisor.unusedServices.length > 0).length,
    },
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;
const PROGRESS_EVERY = 20;
const POLL_FIRST_MS = 1_000;
const POLL_MAX_MS = 10_000;
const THROTTLE_FIRST_MS = 1_000;
const THROTTLE_MAX_MS = 20_000;

interface Context {
  readonly unusedDays: number;
  readonly maxWaitMs: number;
  readonly pathPrefix: string;
  readonly concurrency: number;
  readonly throttleRetries: number;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly progress: (message: string) => void;
}

function context(options: AccessReviewOptions): Context {
  const unusedDays = options.unusedDays ?? 90;
  const maxWaitSeconds = options.maxWaitSeconds ?? 120;
  const concurrency = options.concurrency ?? 4;
  const throttleRetries = options.throttleRetries ?? 4;
  const pathPrefix = options.pathPrefix ?? '/';
  if (!Number.isInteger(unusedDays) || unusedDays < 1) {
    throw new Error(
      `unusedDays must be a whole number of days of at least 1, got ${JSON.stringify(unusedDays)}`,
    );
  }
  if (!Number.isFinite(maxWaitSeconds) || maxWaitSeconds <= 0) {
    throw new Error(`maxWaitSeconds must be a positive number, got ${JSON.stringify(maxWaitSeconds)}`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`concurrency must be a whole number of at least 1, got ${JSON.stringify(concurrency)}`);
  }
  if (!Number.isInteger(throttleRetries) || throttleRetries < 0) {
    throw new Error(
      `throttleRetries must be a whole number of at least 0, got ${JSON.stringify(throttleRetries)}`,
    );
  }
  if (!/^\/([\x21-\x7e]*\/)?$/.test(pathPrefix)) {
    throw new Error(
      `pathPrefix must start and end with "/" (e.g. "/agents/"), got ${JSON.stringify(pathPrefix)}`,
    );
  }
  return {
    unusedDays,
    maxWaitMs: maxWaitSeconds * 1000,
    pathPrefix,
    concurrency,
    throttleRetries,
    now: options.now ?? (() => new Date()),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    progress: options.onProgress ?? (() => undefined),
  };
}

/** Lists role names with the SDK paginator; a page still throttled after retries resumes from its marker. */
async function listRoles(client: IAMClient, ctx: Context): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  let throttled = 0;
  for (;;) {
    try {
      const pages = paginateListRoles({ client, startingToken: marker }, { PathPrefix: ctx.pathPrefix });
      for await (const page of pages) {
        for (const role of page.Roles ?? []) if (role.RoleName) names.push(role.RoleName);
        marker = page.Marker;
        throttled = 0;
        if (page.IsTruncated) ctx.progress(`listed ${names.length} roles so far`);
      }
      return names;
    } catch (error) {
      throttled = await handle(
        error,
        ctx,
        throttled,
        'iam:ListRoles',
        `path prefix ${JSON.stringify(ctx.pathPrefix)}`,
      );
    }
  }
}

/** The full role (tags, last use); undefined when it was deleted after it was listed. */
async function getRole(client: IAMClient, ctx: Context, roleName: string): Promise<Role | undefined> {
  try {
    const out = await call(ctx, 'iam:GetRole', `role ${JSON.stringify(roleName)}`, () =>
      client.send(new GetRoleCommand({ RoleName: roleName })),
    );
    return out.Role;
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    throw error;
  }
}

/** Starts a service-last-accessed job for the role and polls it with backoff until done or the wait runs out. */
async function serviceLastAccessed(
  client: IAMClient,
  ctx: Context,
  role: Role,
  threshold: Date,
): Promise<AccessAdvisorResult> {
  const target = `role ${JSON.stringify(role.RoleName)}`;
  try {
    const started = await call(ctx, 'iam:GenerateServiceLastAccessedDetails', target, () =>
      client.send(
        new GenerateServiceLastAccessedDetailsCommand({ Arn: role.Arn, Granularity: 'SERVICE_LEVEL' }),
      ),
    );
    const jobId = started.JobId;
    if (!jobId) return incomplete(AccessAdvisorStatus.ERROR, 'iam returned no JobId for the job');

    let waited = 0;
    let delay = POLL_FIRST_MS;
    while (waited < ctx.maxWaitMs) {
      const pause = Math.min(delay, ctx.maxWaitMs - waited);
      await ctx.sleep(pause);
      waited += pause;
      delay = Math.min(delay * 2, POLL_MAX_MS);
      const first = await getJobPage(client, ctx, target, jobId, undefined);
      if (first.JobStatus === 'FAILED') {
        const reason = [first.Error?.Code, first.Error?.Message].filter(Boolean).join(': ');
        return incomplete(AccessAdvisorStatus.FAILED, `job ${jobId} failed${reason ? `: ${reason}` : ''}`);
      }
      if (first.JobStatus === 'COMPLETED') {
        return completed(await allServices(client, ctx, target, jobId, first), threshold);
      }
    }
    return incomplete(
      AccessAdvisorStatus.TIMED_OUT,
      `job ${jobId} did not complete within ${ctx.maxWaitMs / 1000} s; rerun with a larger --max-wait-seconds`,
    );
  } catch (error) {
    if (error instanceof MissingPermissionsError) throw error;
    return incomplete(AccessAdvisorStatus.ERROR, errorMessage(error));
  }
}

async function getJobPage(
  client: IAMClient,
  ctx: Context,
  target: string,
  jobId: string,
  marker: string | undefined,
): Promise<GetServiceLastAccessedDetailsCommandOutput> {
  return call(ctx, 'iam:GetServiceLastAccessedDetails', target, () =>
    client.send(new GetServiceLastAccessedDetailsCommand({ JobId: jobId, Marker: marker })),
  );
}

/** Follows `IsTruncated`/`Marker` through a completed job's pages (the SDK has no paginator for it). */
async function allServices(
  client: IAMClient,
  ctx: Context,
  target: string,
  jobId: string,
  first: GetServiceLastAccessedDetailsCommandOutput,
): Promise<ServiceLastAccessed[]> {
  const services = [...(first.ServicesLastAccessed ?? [])];
  let page = first;
  while (page.IsTruncated && page.Marker) {
    page = await getJobPage(client, ctx, target, jobId, page.Marker);
    services.push(...(page.ServicesLastAccessed ?? []));
  }
  return services;
}

function completed(services: ServiceLastAccessed[], threshold: Date): AccessAdvisorResult {
  const uses: ServiceUse[] = services
    .filter((s) => !!s.ServiceNamespace)
    .map((s) => ({
      namespace: s.ServiceNamespace!,
      name: s.ServiceName ?? s.ServiceNamespace!,
      lastAuthenticated: s.LastAuthenticated?.toISOString(),
      unused: !s.LastAuthenticated || s.LastAuthenticated.getTime() < threshold.getTime(),
    }))
    .sort((a, b) => compare(a.namespace, b.namespace));
  return {
    status: AccessAdvisorStatus.COMPLETED,
    services: uses,
    unusedServices: uses.filter((u) => u.unused).map((u) => u.namespace),
  };
}

function incomplete(status: string, message: string): AccessAdvisorResult {
  return { status, message, services: [], unusedServices: [] };
}

function reviewOf(
  role: Role,
  accessAdvisor: AccessAdvisorResult,
  now: Date,
  threshold: Date,
  unusedDays: number,
): AgentRoleReview {
  const lastUsed = role.RoleLastUsed?.LastUsedDate;
  const days = lastUsed ? Math.floor((now.getTime() - lastUsed.getTime()) / DAY_MS) : undefined;
  let staleReason: string | undefined;
  if (!lastUsed) {
    const created = role.CreateDate ? ` since it was created on ${day(role.CreateDate)}` : '';
    staleReason = `never used${created} (IAM tracks role use for 400 days)`;
  } else if (lastUsed.getTime() < threshold.getTime()) {
    staleReason = `last used ${days} days ago, before the ${unusedDays}-day threshold`;
  }
  return {
    agentName: tagValue(role, AgentTagKeys.AGENT) ?? '',
    roleName: role.RoleName ?? '',
    roleArn: role.Arn ?? '',
    tenant: tagValue(role, AgentTagKeys.TENANT),
    owner: tagValue(role, AgentTagKeys.OWNER),
    clearance: tagValue(role, AgentTagKeys.CLEARANCE),
    createdAt: role.CreateDate?.toISOString(),
    lastUsedAt: lastUsed?.toISOString(),
    lastUsedRegion: role.RoleLastUsed?.Region,
    daysSinceLastUse: days,
    stale: staleReason !== undefined,
    staleReason,
    accessAdvisor,
    revokedAt: tagValue(role, AgentRevocation.REVOKED_TAG),
    revocationReason: tagValue(role, AgentRevocation.REASON_TAG),
  };
}

/**
 * A tag's value. Keys match case-insensitively: erring toward including a role keeps a hand-tagged
 * `AI:Agent` role in the review instead of silently leaving it out.
 */
function tagValue(role: Role, key: string): string | undefined {
  return role.Tags?.find((t) => t.Key?.toLowerCase() === key.toLowerCase())?.Value;
}

/** Runs an IAM call, retrying throttling with backoff; access denied becomes a MissingPermissionsError. */
async function call<T>(ctx: Context, action: string, target: string, fn: () => Promise<T>): Promise<T> {
  let throttled = 0;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      throttled = await handle(error, ctx, throttled, action, target);
    }
  }
}

/** Rethrows what cannot be retried; otherwise waits out the throttling and returns the new retry count. */
async function handle(
  error: unknown,
  ctx: Context,
  throttled: number,
  action: string,
  target: string,
): Promise<number> {
  if (isAccessDenied(error) || isCredentialsProblem(error)) throw missingPermissions(error, action, target);
  if (!isThrottling(error) || throttled >= ctx.throttleRetries) throw error;
  const pause = Math.min(THROTTLE_FIRST_MS * 2 ** throttled, THROTTLE_MAX_MS);
  ctx.progress(`throttled calling ${action} on ${target}; retrying in ${pause / 1000} s`);
  await ctx.sleep(pause);
  return throttled + 1;
}

/** Maps with at most `limit` calls in flight; after the first failure no new item starts. */
async function mapPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
