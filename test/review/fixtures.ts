import {
  GenerateServiceLastAccessedDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsCommandOutput,
  IAMClient,
  IAMServiceException,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  Role,
  Tag,
} from '@aws-sdk/client-iam';
import { AwsClientStub } from 'aws-sdk-client-mock';

/** The mocked IAM client, as `mockClient(IAMClient)` returns it. */
export type IamStub = AwsClientStub<IAMClient>;

export const ACCOUNT = '111111111111';
/** The fixed "now" of every review test. */
export const NOW = new Date('2026-04-01T00:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

export function daysAgo(days: number): Date {
  return new Date(NOW.getTime() - days * DAY);
}

/** A role as GetRole returns it. */
export function role(
  name: string,
  tags: Record<string, string>,
  lastUsedDaysAgo?: number,
  createdDaysAgo = 500,
): Role {
  return {
    RoleName: name,
    RoleId: `AROA${name.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    Path: '/',
    CreateDate: daysAgo(createdDaysAgo),
    Tags: Object.entries(tags).map(([Key, Value]): Tag => ({ Key, Value })),
    RoleLastUsed:
      lastUsedDaysAgo === undefined ? {} : { LastUsedDate: daysAgo(lastUsedDaysAgo), Region: 'us-east-1' },
  };
}

/** An AWS service error as the SDK throws it. */
export function awsError(name: string, message: string, status = 400): IAMServiceException {
  return new IAMServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/** A completed service-last-accessed job: namespace -> days since last use (undefined: never). */
export function completedJob(
  services: Record<string, number | undefined>,
): GetServiceLastAccessedDetailsCommandOutput {
  return {
    $metadata: {},
    JobStatus: 'COMPLETED',
    JobCreationDate: NOW,
    JobCompletionDate: NOW,
    IsTruncated: false,
    ServicesLastAccessed: Object.entries(services).map(([ns, days]) => ({
      ServiceName: `Service ${ns}`,
      ServiceNamespace: ns,
      LastAuthenticated: days === undefined ? undefined : daysAgo(days),
      TotalAuthenticatedEntities: days === undefined ? 0 : 1,
    })),
  };
}

export interface FakeAccount {
  /** ListRoles pages, in order; each page lists role names. */
  readonly pages: string[][];
  /** GetRole answers by role name (absent: NoSuchEntity). */
  readonly roles: Record<string, Role>;
  /** What GetServiceLastAccessedDetails answers for each role's job; default: completed, nothing granted. */
  readonly jobs?: Record<string, GetServiceLastAccessedDetailsCommandOutput>;
  /** Index of a ListRoles page whose first request IAM throttles. */
  readonly throttlePage?: number;
}

/** What the fake account observed. */
export interface FakeAccountLog {
  /** The Marker of each ListRoles request, captured when it was sent (the paginator reuses its input object). */
  readonly listMarkers: (string | undefined)[];
}

/**
 * Wires the mocked IAM client to a fake account: ListRoles pages chained by Marker `page-N`, GetRole by
 * name, one job per role (`job-<roleName>`).
 */
export function fakeAccount(iam: IamStub, account: FakeAccount): FakeAccountLog {
  const log = { listMarkers: [] as (string | undefined)[] };
  let throttled = false;
  iam.on(ListRolesCommand).callsFake((input: { Marker?: string }) => {
    log.listMarkers.push(input.Marker);
    const index = input.Marker ? Number(input.Marker.replace('page-', '')) : 0;
    if (index === account.throttlePage && !throttled) {
      throttled = true;
      throw awsError('Throttling', 'Rate exceeded');
    }
    const last = index === account.pages.length - 1;
    return {
      Roles: account.pages[index].map((name) => ({
        RoleName: name,
        Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
        Path: '/',
      })),
      IsTruncated: !last,
      Marker: last ? undefined : `page-${index + 1}`,
    };
  });
  iam.on(GetRoleCommand).callsFake((input: { RoleName: string }) => {
    const found = account.roles[input.RoleName];
    if (!found) throw awsError('NoSuchEntity', `The role with name ${input.RoleName} cannot be found.`, 404);
    return { Role: found };
  });
  iam.on(GenerateServiceLastAccessedDetailsCommand).callsFake((input: { Arn: string }) => ({
    JobId: `job-${input.Arn.split('/').pop()}`,
  }));
  iam.on(GetServiceLastAccessedDetailsCommand).callsFake((input: { JobId: string }) => {
    const roleName = input.JobId.replace(/^job-/, '');
    return account.jobs?.[roleName] ?? completedJob({});
  });
  // every role has one inline and one attached policy, without token-vault grants
  const document = encodeURIComponent(
    JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] }),
  );
  iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['AgentAccess'] });
  iam
    .on(GetRolePolicyCommand)
    .resolves({ RoleName: 'r', PolicyName: 'AgentAccess', PolicyDocument: document });
  iam.on(ListAttachedRolePoliciesCommand).resolves({
    AttachedPolicies: [{ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/shared`, PolicyName: 'shared' }],
  });
  iam.on(GetPolicyCommand).resolves({ Policy: { DefaultVersionId: 'v1' } });
  iam.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { Document: document } });
  return log;
}

/** A sleep that returns at once and records what it was asked to wait. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** Names of the commands sent, e.g. `ListRoles`. */
export function sentCommands(iam: IamStub): string[] {
  return iam
    .calls()
    .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''));
}

export function newClient(): IAMClient {
  return new IAMClient({ region: 'us-east-1' });
}
