import {
  GenerateServiceLastAccessedDetailsCommand,
  GetRoleCommand,
  GetServiceLastAccessedDetailsCommand,
  IAMClient,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { AccessAdvisorStatus, MissingPermissionsError, reviewAgentRoles } from '../../lib/review';
import {
  ACCOUNT,
  awsError,
  completedJob,
  daysAgo,
  fakeAccount,
  newClient,
  NOW,
  recordingSleep,
  role,
} from './fixtures';

const iam = mockClient(IAMClient);
beforeEach(() => iam.reset());

const AGENT_TAGS = {
  'ai:agent': 'email-triage',
  'ai:tenant': 'acme',
  'ai:owner': 'support@example.com',
  'ai:clearance': 'confidential',
};

describe('reviewAgentRoles', () => {
  test('walks every ListRoles page and reviews only roles tagged ai:agent', async () => {
    // GIVEN three pages of roles, two of them without ai:agent
    const log = fakeAccount(iam, {
      pages: [['triage-role', 'plain-role'], ['legacy-role'], ['summarizer-role']],
      roles: {
        'triage-role': role('triage-role', AGENT_TAGS, 3),
        'plain-role': role('plain-role', {}, 1),
        'legacy-role': role('legacy-role', { team: 'billing' }, 1),
        'summarizer-role': role(
          'summarizer-role',
          { 'ai:agent': 'summarizer', 'ai:owner': 'ml@example.com' },
          10,
        ),
      },
    });
    const { sleep } = recordingSleep();

    // WHEN the account is reviewed
    const report = await reviewAgentRoles(newClient(), { now: () => NOW, sleep });

    // THEN every page was requested with the previous page's marker
    expect(log.listMarkers).toEqual([undefined, 'page-1', 'page-2']);
    expect(iam.commandCalls(ListRolesCommand).every((c) => c.args[0].input.PathPrefix === '/')).toBe(true);
    // AND every listed role was read (ListRoles does not return tags), but only agents were analysed
    expect(iam.commandCalls(GetRoleCommand)).toHaveLength(4);
    expect(iam.commandCalls(GenerateServiceLastAccessedDetailsCommand).map((c) => c.args[0].input)).toEqual(
      expect.arrayContaining([
        { Arn: `arn:aws:iam::${ACCOUNT}:role/triage-role`, Granularity: 'SERVICE_LEVEL' },
        { Arn: `arn:aws:iam::${ACCOUNT}:role/summarizer-role`, Granularity: 'SERVICE_LEVEL' },
      ]),
    );
    expect(iam.commandCalls(GenerateServiceLastAccessedDetailsCommand)).toHaveLength(2);
    expect(report.rolesScanned).toBe(4);
    expect(report.accountId).toBe(ACCOUNT);
    expect(report.agents.map((a) => [a.agentName, a.roleName])).toEqual([
      ['email-triage', 'triage-role'],
      ['summarizer', 'summarizer-role'],
    ]);
    expect(report.agents[0]).toMatchObject({
      roleArn: `arn:aws:iam::${ACCOUNT}:role/triage-role`,
      tenant: 'acme',
      owner: 'support@example.com',
      clearance: 'confidential',
      lastUsedAt: daysAgo(3).toISOString(),
      lastUsedRegion: 'us-east-1',
      daysSinceLastUse: 3,
      stale: false,
    });
  });

  test('passes the path prefix to ListRoles', async () => {
    // GIVEN an account with agent roles under /agents/
    fakeAccount(iam, { pages: [[]], roles: {} });

    // WHEN reviewed with a path prefix
    const report = await reviewAgentRoles(newClient(), { now: () => NOW, pathPrefix: '/agents/' });

    // THEN ListRoles is filtered server-side
    expect(iam.commandCalls(ListRolesCommand)[0].args[0].input.PathPrefix).toBe('/agents/');
    expect(report.agents).toEqual([]);
    expect(report.accountId).toBeUndefined();
  });

  test.each([
    ['used 3 days ago', 3, false, undefined],
    ['used 89 days ago', 89, false, undefined],
    ['used 91 days ago', 91, true, 'last used 91 days ago, before the 90-day threshold'],
    [
      'never used',
      undefined,
      true,
      'never used since it was created on 2024-11-17 (IAM tracks role use for 400 days)',
    ],
  ])('an agent %s is stale: %s', async (_case, lastUsed, stale, reason) => {
    // GIVEN one agent role with the given last use
    fakeAccount(iam, { pages: [['r']], roles: { r: role('r', AGENT_TAGS, lastUsed) } });

    // WHEN reviewed against a 90-day threshold
    const report = await reviewAgentRoles(newClient(), {
      now: () => NOW,
      unusedDays: 90,
      sleep: recordingSleep().sleep,
    });

    // THEN staleness follows RoleLastUsed
    expect(report.agents[0].stale).toBe(stale);
    expect(report.agents[0].staleReason).toBe(reason);
    expect(report.summary.stale).toBe(stale ? 1 : 0);
  });

  test('lists granted services not used within the threshold, across result pages', async () => {
    // GIVEN a job whose result spans two pages: s3 used recently, kms long ago, bedrock never
    fakeAccount(iam, { pages: [['r']], roles: { r: role('r', AGENT_TAGS, 1) } });
    const firstPage = { ...completedJob({ s3: 2, kms: 120 }), IsTruncated: true, Marker: 'm2' };
    iam.on(GetServiceLastAccessedDetailsCommand, { JobId: 'job-r', Marker: undefined }).resolves(firstPage);
    iam
      .on(GetServiceLastAccessedDetailsCommand, { JobId: 'job-r', Marker: 'm2' })
      .resolves(completedJob({ bedrock: undefined }));

    // WHEN reviewed
    const report = await reviewAgentRoles(newClient(), { now: () => NOW, sleep: recordingSleep().sleep });

    // THEN both pages were read and the unused services are named
    const advice = report.agents[0].accessAdvisor;
    expect(advice.status).toBe(AccessAdvisorStatus.COMPLETED);
    expect(advice.services.map((s) => s.namespace)).toEqual(['bedrock', 's3', 'kms'].sort());
    expect(advice.unusedServices).toEqual(['bedrock', 'kms']);
    expect(report.summary.withUnusedServices).toBe(1);
  });

  test('a failed last-accessed job is reported for that role, the review goes on', async () => {
    // GIVEN two agents; IAM fails the job of one of them
    fakeAccount(iam, {
      pages: [['bad', 'good']],
      roles: { bad: role('bad', { 'ai:agent': 'bad' }, 1), good: role('good', { 'ai:agent': 'good' }, 1) },
      jobs: {
        bad: {
          $metadata: {},
          JobStatus: 'FAILED',
          JobCreationDate: NOW,
          JobCompletionDate: NOW,
          ServicesLastAccessed: [],
          Error: { Code: 'InternalFailure', Message: 'report generation failed' },
        },
        good: completedJob({ s3: 1 }),
      },
    });

    // WHEN reviewed
    const report = await reviewAgentRoles(newClient(), { now: () => NOW, sleep: recordingSleep().sleep });

    // THEN the failure is in the failed role's entry, and the other role is complete
    const [bad, good] = report.agents;
    expect(bad.accessAdvisor).toEqual({
      status: AccessAdvisorStatus.FAILED,
      message: 'job job-bad failed: InternalFailure: report generation failed',
      services: [],
      unusedServices: [],
    });
    expect(good.accessAdvisor.status).toBe(AccessAdvisorStatus.COMPLETED);
    expect(report.summary.incompleteAccessAdvisor).toBe(1);
  });

  test('a job that never completes times out after the bounded wait, with backoff between polls', async () => {
    // GIVEN a job that stays IN_PROGRESS forever
    fakeAccount(iam, {
      pages: [['slow']],
      roles: { slow: role('slow', { 'ai:agent': 'slow' }, 1) },
      jobs: {
        slow: {
          $metadata: {},
          JobStatus: 'IN_PROGRESS',
          JobCreationDate: NOW,
          JobCompletionDate: undefined,
          ServicesLastAccessed: undefined,
        },
      },
    });
    const { sleep, waits } = recordingSleep();

    // WHEN reviewed with a 30-second bound
    const report = await reviewAgentRoles(newClient(), { now: () => NOW, sleep, maxWaitSeconds: 30 });

    // THEN it polled with exponential backoff capped at 10 s, stopped at exactly 30 s, and reported it
    expect(waits).toEqual([1000, 2000, 4000, 8000, 10000, 5000]);
    expect(iam.commandCalls(GetServiceLastAccessedDetailsCommand)).toHaveLength(6);
    expect(report.agents[0].accessAdvisor.status).toBe(AccessAdvisorStatus.TIMED_OUT);
    expect(report.agents[0].accessAdvisor.message).toBe(
      'job job-slow did not complete within 30 s; rerun with a larger --max-wait-seconds',
    );
  });

  test('a job completing after a few polls is read once it is done', async () => {
    // GIVEN a job that is in progress twice, then completes
    fakeAccount(iam, { pages: [['r']], roles: { r: role('r', AGENT_TAGS, 1) } });
    const inProgress = {
      $metadata: {},
      JobStatus: 'IN_PROGRESS' as const,
      JobCreationDate: NOW,
      JobCompletionDate: undefined,
      ServicesLastAccessed: undefined,
    };
    iam
      .on(GetServiceLastAccessedDetailsCommand)
      .resolvesOnce(inProgress)
      .resolvesOnce(inProgress)
      .resolves(completedJob({ s3: 1 }));
    const { sleep, waits } = recordingSleep();

    // WHEN reviewed
    const report = await reviewAgentRoles(newClient(), { now: () => NOW, sleep });

    // THEN it stopped polling at completion
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(report.agents[0].accessAdvisor.status).toBe(AccessAdvisorStatus.COMPLETED);
  });

  test('a throttled call is retried with backoff and the review completes', async () => {
    // GIVEN IAM throttles the first ListRoles call and the first GetRole call
    fakeAccount(iam, { pages: [['r']], roles: { r: role('r', AGENT_TAGS, 1) } });
    iam
      .on(ListRolesCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({
        Roles: [
          { RoleName: 'r', Arn: `arn:aws:iam::${ACCOUNT}:role/r`, Path: '/', RoleId: 'x', CreateDate: NOW },
        ],
        IsTruncated: false,
      });
    iam
      .on(GetRoleCommand)
      .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
      .resolves({ Role: role('r', AGENT_TAGS, 1) });
    const { sleep, waits } = recordingSleep();
    const progress: string[] = [];

    // WHEN reviewed
    const report = await reviewAgentRoles(newClient(), {
      now: () => NOW,
      sleep,
      onProgress: (m) => progress.push(m),
    });

    // THEN each throttled call was retried after a pause, and the result is complete
    expect(iam.commandCalls(ListRolesCommand)).toHaveLength(2);
    expect(iam.commandCalls(GetRoleCommand)).toHaveLength(2);
    expect(waits.slice(0, 2)).toEqual([1000, 1000]);
    expect(progress).toContain('throttled calling iam:ListRoles on path prefix "/"; retrying in 1 s');
    expect(progress).toContain('throttled calling iam:GetRole on role "r"; retrying in 1 s');
    expect(report.agents).toHaveLength(1);
  });

  test('throttling mid-pagination resumes from the last marker, not from the first page', async () => {
    // GIVEN two pages; the request for page 2 is throttled once
    const log = fakeAccount(iam, {
      pages: [['a'], ['b']],
      roles: { a: role('a', { 'ai:agent': 'a' }, 1), b: role('b', { 'ai:agent': 'b' }, 1) },
      throttlePage: 1,
    });

    // WHEN reviewed
    const report = await reviewAgentRoles(newClient(), { now: () => NOW, sleep: recordingSleep().sleep });

    // THEN page 1 was requested once, page 2 twice, and no role is listed twice
    expect(log.listMarkers).toEqual([undefined, 'page-1', 'page-1']);
    expect(report.rolesScanned).toBe(2);
    expect(report.agents.map((a) => a.roleName)).toEqual(['a', 'b']);
  });

  test('persistent throttling gives up after the configured retries', async () => {
    // GIVEN IAM throttles every call
    iam.on(ListRolesCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const { sleep, waits } = recordingSleep();

    // WHEN reviewed with 3 retries
    const review = reviewAgentRoles(newClient(), { now: () => NOW, sleep, throttleRetries: 3 });

    // THEN it fails with the throttling error after 4 attempts and exponential pauses
    await expect(review).rejects.toThrow('Rate exceeded');
    expect(iam.commandCalls(ListRolesCommand)).toHaveLength(4);
    expect(waits).toEqual([1000, 2000, 4000]);
  });

  test.each([
    ['iam:ListRoles', ListRolesCommand],
    ['iam:GetRole', GetRoleCommand],
    ['iam:GenerateServiceLastAccessedDetails', GenerateServiceLastAccessedDetailsCommand],
    ['iam:GetServiceLastAccessedDetails', GetServiceLastAccessedDetailsCommand],
  ])(
    'access denied on %s stops the review with a message naming every needed action',
    async (action, command) => {
      // GIVEN an account where the caller may not call one of the four actions
      fakeAccount(iam, { pages: [['r']], roles: { r: role('r', AGENT_TAGS, 1) } });
      iam
        .on(command as typeof ListRolesCommand)
        .rejects(
          awsError(
            'AccessDenied',
            `User: arn:aws:iam::${ACCOUNT}:user/bob is not authorized to perform: ${action}`,
            403,
          ),
        );

      // WHEN reviewed
      const review = reviewAgentRoles(newClient(), { now: () => NOW, sleep: recordingSleep().sleep });

      // THEN it fails with MissingPermissionsError naming the denied action and all four
      await expect(review).rejects.toBeInstanceOf(MissingPermissionsError);
      await expect(review).rejects.toMatchObject({ action });
      await expect(review).rejects.toThrow(
        /iam:ListRoles, iam:GetRole, iam:GenerateServiceLastAccessedDetails, iam:GetServiceLastAccessedDetails/,
      );
      await expect(review).rejects.toThrow(`access denied calling ${action} on `);
    },
  );

  test('a role deleted between ListRoles and GetRole is skipped and named', async () => {
    // GIVEN ListRoles names a role that GetRole no longer finds
    fakeAccount(iam, { pages: [['gone', 'r']], roles: { r: role('r', AGENT_TAGS, 1) } });

    // WHEN reviewed
    const report = await reviewAgentRoles(newClient(), { now: () => NOW, sleep: recordingSleep().sleep });

    // THEN the review completes without it, and says so
    expect(report.rolesVanished).toEqual(['gone']);
    expect(report.agents.map((a) => a.roleName)).toEqual(['r']);
  });

  test('an unexpected error starting one job is reported for that role, not fatal', async () => {
    // GIVEN GenerateServiceLastAccessedDetails fails with a non-permission error
    fakeAccount(iam, { pages: [['r']], roles: { r: role('r', AGENT_TAGS, 1) } });
    iam.on(GenerateServiceLastAccessedDetailsCommand).rejects(awsError('InvalidInput', 'bad ARN'));

    // WHEN reviewed
    const report = await reviewAgentRoles(newClient(), { now: () => NOW, sleep: recordingSleep().sleep });

    // THEN the role carries the error
    expect(report.agents[0].accessAdvisor).toMatchObject({
      status: AccessAdvisorStatus.ERROR,
      message: 'bad ARN',
    });
  });

  test('progress is reported for large accounts', async () => {
    // GIVEN 45 roles, one an agent
    const names = Array.from({ length: 45 }, (_, i) => `role-${i}`);
    const roles = Object.fromEntries(
      names.map((n) => [n, role(n, n === 'role-7' ? { 'ai:agent': 'seven' } : {}, 1)]),
    );
    fakeAccount(iam, { pages: [names.slice(0, 30), names.slice(30)], roles });
    const progress: string[] = [];

    // WHEN reviewed
    await reviewAgentRoles(newClient(), {
      now: () => NOW,
      sleep: recordingSleep().sleep,
      onProgress: (m) => progress.push(m),
    });

    // THEN progress counts up to the total
    expect(progress).toEqual([
      'listed 30 roles so far',
      'listed 45 roles',
      'reviewed 20/45 roles',
      'reviewed 40/45 roles',
      'reviewed 45/45 roles',
      'found 1 agent roles (tagged ai:agent)',
      'checked service last access 1/1 agents',
    ]);
  });

  test.each([
    [{ unusedDays: 0 }, 'unusedDays must be a whole number of days of at least 1, got 0'],
    [{ maxWaitSeconds: -1 }, 'maxWaitSeconds must be a positive number, got -1'],
    [{ concurrency: 0 }, 'concurrency must be a whole number of at least 1, got 0'],
    [{ pathPrefix: 'agents' }, 'pathPrefix must start and end with "/" (e.g. "/agents/"), got "agents"'],
  ])('rejects invalid options %j', async (options, message) => {
    // GIVEN / WHEN an invalid option / THEN a clear error before any call
    await expect(reviewAgentRoles(newClient(), options)).rejects.toThrow(message);
    expect(iam.calls()).toHaveLength(0);
  });
});
