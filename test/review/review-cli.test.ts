import { GetServiceLastAccessedDetailsCommandOutput, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { REVIEW_REQUIRED_ACTIONS, REVIEW_USAGE, ReviewClientSettings, runReviewCli } from '../../lib/review';
import { actionExists } from '../../lib/shared/iam-catalog';
import {
  ACCOUNT,
  awsError,
  completedJob,
  fakeAccount,
  newClient,
  NOW,
  recordingSleep,
  role,
  sentCommands,
} from './fixtures';

const iam = mockClient(IAMClient);
beforeEach(() => iam.reset());

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly settings: ReviewClientSettings[];
}

/** Runs the CLI against the mocked client, capturing stdout, stderr and the client settings. */
async function run(argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const settings: ReviewClientSettings[] = [];
  const code = await runReviewCli(argv, {
    createClient: (s) => {
      settings.push(s);
      return newClient();
    },
    now: () => NOW,
    sleep: recordingSleep().sleep,
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
  });
  return { code, out, err, settings };
}

const FAILED_WITH_QUOTES: GetServiceLastAccessedDetailsCommandOutput = {
  $metadata: {},
  JobStatus: 'FAILED',
  JobCreationDate: NOW,
  JobCompletionDate: NOW,
  ServicesLastAccessed: [],
  Error: { Code: 'InternalFailure', Message: 'entity "x", gone\nretry later' },
};

/** Two agents: one whose role name holds a comma and whose job failed with quotes; one formula-like name. */
function accountWithAwkwardValues(): void {
  fakeAccount(iam, {
    pages: [['triage,eu', 'plain'], ['=cmd']],
    roles: {
      'triage,eu': role(
        'triage,eu',
        { 'ai:agent': 'triage', 'ai:owner': 'support@example.com', 'ai:tenant': 'acme' },
        2,
      ),
      plain: role('plain', {}, 2),
      '=cmd': role('=cmd', { 'ai:agent': 'formula', 'ai:owner': '@ops' }),
    },
    jobs: { 'triage,eu': FAILED_WITH_QUOTES, '=cmd': completedJob({ s3: undefined, bedrock: 1 }) },
  });
}

/** A minimal RFC 4180 parser, to prove the CSV reads back to the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  return rows;
}

describe('agent-identity review (CLI)', () => {
  test('--help prints usage naming the options and the permissions, exit 0, no AWS call', async () => {
    // GIVEN / WHEN
    const { code, out, settings } = await run(['--help']);

    // THEN
    expect(code).toBe(0);
    expect(out).toBe(REVIEW_USAGE);
    for (const flag of [
      '--region',
      '--unused-days',
      '--format md|csv|json',
      '--max-wait-seconds',
      '--path-prefix',
    ]) {
      expect(out).toContain(flag);
    }
    for (const action of REVIEW_REQUIRED_ACTIONS) expect(out).toContain(action);
    expect(settings).toHaveLength(0);
    expect(iam.calls()).toHaveLength(0);
  });

  test.each([
    [['--format', 'xml'], '--format must be one of md, csv, json, got "xml"'],
    [['--unused-days', 'ninety'], '--unused-days must be a whole number from 1 to 400, got "ninety"'],
    [['--unused-days', '0'], '--unused-days must be a whole number from 1 to 400, got "0"'],
    [['--max-wait-seconds=-5'], '--max-wait-seconds must be a whole number from 1 to 3600, got "-5"'],
    [['--max-wait-seconds', '1.5'], '--max-wait-seconds must be a whole number from 1 to 3600, got "1.5"'],
    [['--concurrency', '17'], '--concurrency must be a whole number from 1 to 16, got "17"'],
    [['--region', 'US East'], '--region must be a region code such as us-east-1, got "US East"'],
    [['--path-prefix', 'agents'], '--path-prefix must start and end with "/" (e.g. /agents/), got "agents"'],
    [['--colour'], "Unknown option '--colour'"],
    [['extra'], 'unexpected argument "extra"; review takes options only'],
  ])('bad arguments %j exit 64 with a clear message', async (argv, message) => {
    // GIVEN / WHEN
    const { code, err } = await run(argv);

    // THEN
    expect(code).toBe(64);
    expect(err).toContain(message);
    expect(err).toContain('agent-identity review --help');
    expect(iam.calls()).toHaveLength(0);
  });

  test('builds the IAM client with adaptive retries and the given region', async () => {
    // GIVEN an empty account
    fakeAccount(iam, { pages: [[]], roles: {} });

    // WHEN run with --region (and a leading "review" as the bin may pass it)
    const { code, settings } = await run(['review', '--region', 'eu-west-1']);

    // THEN
    expect(code).toBe(0);
    expect(settings).toEqual([{ region: 'eu-west-1', maxAttempts: 8, retryMode: 'adaptive' }]);
  });

  test('the default client really carries the retry configuration', async () => {
    // GIVEN no client factory (the mock stubs every IAMClient instance, so nothing leaves the machine)
    fakeAccount(iam, { pages: [[]], roles: {} });

    // WHEN run with the default factory
    const code = await runReviewCli(['--region', 'us-east-1'], {
      now: () => NOW,
      stdout: () => undefined,
      stderr: () => undefined,
    });

    // THEN the client that sent ListRoles is configured for adaptive retry with 8 attempts
    expect(code).toBe(0);
    const client = iam.send.getCall(0).thisValue as IAMClient;
    expect(await client.config.maxAttempts()).toBe(8);
    const retryMode = client.config.retryMode;
    expect(typeof retryMode === 'function' ? await retryMode() : retryMode).toBe('adaptive');
    expect(await client.config.region()).toBe('us-east-1');
  });

  test('markdown (default): a table row per agent, escaped, with stale flags; progress on stderr', async () => {
    // GIVEN agents with awkward values
    accountWithAwkwardValues();

    // WHEN run without --format
    const { code, out, err } = await run([]);

    // THEN
    expect(code).toBe(0);
    expect(out).toContain('# Agent access review');
    expect(out).toContain(`- Account: ${ACCOUNT}`);
    expect(out).toContain(
      '- Agents: 2; stale: 1; with unused services: 1; incomplete service-last-accessed data: 1',
    );
    expect(out).toContain(
      '| Agent | Role | Tenant | Owner | Clearance | Last used | Stale | Unused services | Service data |',
    );
    expect(out).toContain(
      `| formula | =cmd<br>arn:aws:iam::${ACCOUNT}:role/=cmd |  | @ops |  | never | **STALE**: never used since it was created on 2024-11-17 (IAM tracks role use for 400 days) | s3 | 2 granted |`,
    );
    // the failure message's newline does not break the table row
    expect(out).toContain(
      '| FAILED: job job-triage,eu failed: InternalFailure: entity "x", gone retry later |',
    );
    expect(out.split('\n').filter((l) => l.startsWith('| triage '))).toHaveLength(1);
    expect(err).toContain('agent-identity review: listed 3 roles');
    expect(err).toContain('agent-identity review: reviewed 3/3 roles');
    expect(err).toContain('WARNING: service-last-accessed data incomplete for 1');
    expect(out).not.toContain('agent-identity review:');
  });

  test('csv: RFC 4180 quoting of commas, quotes and line breaks; formula-like cells neutralized', async () => {
    // GIVEN agents with awkward values
    accountWithAwkwardValues();

    // WHEN
    const { code, out } = await run(['--format', 'csv']);

    // THEN the raw text quotes exactly the cells that need it
    expect(code).toBe(0);
    expect(out).toContain(`"job job-triage,eu failed: InternalFailure: entity ""x"", gone\nretry later"`);
    expect(out).toContain(`,"triage,eu","arn:aws:iam::${ACCOUNT}:role/triage,eu",acme,support@example.com,`);
    expect(out).toContain(`formula,'=cmd,arn:aws:iam::${ACCOUNT}:role/=cmd,,'@ops,`);
    // AND it parses back to a header and one row per agent, every row as wide as the header
    const rows = parseCsv(out);
    expect(rows[0]).toEqual([
      'agent',
      'role_name',
      'role_arn',
      'tenant',
      'owner',
      'clearance',
      'created_at',
      'last_used_at',
      'last_used_region',
      'days_since_last_use',
      'stale',
      'stale_reason',
      'services_granted',
      'unused_services',
      'access_advisor_status',
      'access_advisor_message',
      'revoked_at',
      'revocation_reason',
    ]);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.length === rows[0].length)).toBe(true);
    const byName = Object.fromEntries(rows.slice(1).map((r) => [r[0], r]));
    expect(byName.triage[1]).toBe('triage,eu');
    expect(byName.triage[10]).toBe('false');
    expect(byName.triage[14]).toBe('FAILED');
    expect(byName.triage[15]).toBe(
      'job job-triage,eu failed: InternalFailure: entity "x", gone\nretry later',
    );
    expect(byName.formula[10]).toBe('true');
    expect(byName.formula[13]).toBe('s3');
  });

  test('json: the full report, parseable, with schema version and per-agent detail', async () => {
    // GIVEN
    accountWithAwkwardValues();

    // WHEN
    const { code, out } = await run(['--format', 'json', '--unused-days', '30']);

    // THEN
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({
      schemaVersion: 1,
      generatedAt: NOW.toISOString(),
      accountId: ACCOUNT,
      unusedDays: 30,
      rolesScanned: 3,
      summary: { agents: 2, stale: 1, incompleteAccessAdvisor: 1, withUnusedServices: 1 },
    });
    expect(report.agents.map((a: { roleName: string }) => a.roleName)).toEqual(['=cmd', 'triage,eu']);
    expect(report.agents[0].accessAdvisor.services).toEqual([
      {
        namespace: 'bedrock',
        name: 'Service bedrock',
        lastAuthenticated: '2026-03-31T00:00:00.000Z',
        unused: false,
      },
      { namespace: 's3', name: 'Service s3', unused: true },
    ]);
  });

  test('access denied: exit 2 and a message naming the IAM actions the caller needs', async () => {
    // GIVEN the caller may not list roles
    iam
      .on(ListRolesCommand)
      .rejects(awsError('AccessDenied', 'User: bob is not authorized to perform: iam:ListRoles', 403));

    // WHEN
    const { code, out, err } = await run([]);

    // THEN
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(
      'access denied calling iam:ListRoles on path prefix "/": User: bob is not authorized',
    );
    expect(err).toContain(
      'the access review needs these IAM actions: iam:ListRoles, iam:GetRole, iam:GenerateServiceLastAccessedDetails, iam:GetServiceLastAccessedDetails',
    );
  });

  test('no credentials: exit 2 and a message saying how to provide them', async () => {
    // GIVEN the SDK finds no credentials
    const noCreds = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    iam.on(ListRolesCommand).rejects(noCreds);

    // WHEN
    const { code, err } = await run([]);

    // THEN
    expect(code).toBe(2);
    expect(err).toContain(
      'no valid AWS credentials (Could not load credentials from any providers); set AWS_PROFILE',
    );
  });

  test('missing region: exit 64 and a hint to pass --region', async () => {
    // GIVEN the SDK cannot resolve a region
    iam.on(ListRolesCommand).rejects(new Error('Region is missing'));

    // WHEN
    const { code, err } = await run([]);

    // THEN
    expect(code).toBe(64);
    expect(err).toContain('no AWS region configured; pass --region');
  });

  test('an unexpected failure exits 1 with the error', async () => {
    // GIVEN IAM fails in a way that is neither throttling nor permissions
    iam.on(ListRolesCommand).rejects(awsError('ServiceFailure', 'internal error', 500));

    // WHEN
    const { code, err } = await run([]);

    // THEN
    expect(code).toBe(1);
    expect(err).toContain('agent-identity review: failed: internal error');
  });

  test('throttling: the CLI retries and still writes the report', async () => {
    // GIVEN the first ListRoles call is throttled
    fakeAccount(iam, { pages: [['r']], roles: { r: role('r', { 'ai:agent': 'r' }, 1) } });
    iam
      .on(ListRolesCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({
        Roles: [
          { RoleName: 'r', Arn: `arn:aws:iam::${ACCOUNT}:role/r`, Path: '/', RoleId: 'r', CreateDate: NOW },
        ],
        IsTruncated: false,
      });

    // WHEN
    const { code, out, err } = await run(['--format', 'json']);

    // THEN
    expect(code).toBe(0);
    expect(iam.commandCalls(ListRolesCommand)).toHaveLength(2);
    expect(err).toContain('throttled calling iam:ListRoles');
    expect(JSON.parse(out).agents).toHaveLength(1);
  });

  test('every IAM action the review calls is real and named in the permissions message', async () => {
    // GIVEN an account exercising every call
    fakeAccount(iam, { pages: [['r']], roles: { r: role('r', { 'ai:agent': 'r' }, 1) } });

    // WHEN a full review runs
    await run(['--format', 'json']);

    // THEN each command sent maps to a documented action, and the list is exactly what was sent
    const sent = [...new Set(sentCommands(iam).map((c) => `iam:${c}`))];
    expect(sent.sort()).toEqual([...REVIEW_REQUIRED_ACTIONS].sort());
    for (const action of REVIEW_REQUIRED_ACTIONS) expect(actionExists(action)).toBe(true);
  });
});
