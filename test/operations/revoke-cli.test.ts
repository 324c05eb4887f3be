import {
  DeleteRolePolicyCommand,
  IAMClient,
  IAMServiceException,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/agent-identity';
import { AgentRevocation } from '../../lib/operations/agent-revocation';
import { REVOKE_REQUIRED_ACTIONS } from '../../lib/operations/revoke-agents';
import { runRevokeCli } from '../../lib/operations/revoke-cli';
import { actionExists } from '../../lib/shared/iam-catalog';

const iam = mockClient(IAMClient);
beforeEach(() => iam.reset());

const NOW = new Date('2026-12-01T22:45:00.250Z');
const ISSUED = '2026-12-01T22:45:01Z';

function awsError(name: string, message = name): IAMServiceException {
  return new IAMServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 403 } });
}

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly clients: number;
}

async function run(argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  let clients = 0;
  const code = await runRevokeCli(argv, {
    createClient: () => {
      clients++;
      return new IAMClient({ region: 'us-east-1' });
    },
    now: () => NOW,
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
  });
  return { code, out, err, clients };
}

/** An agent-entitlements.json with the given agents (role name, tenant). */
function reportFile(agents: { name: string; roleName: string; tenant?: string }[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'revoke-'));
  const file = path.join(dir, 'agent-entitlements.json');
  const lists = {
    runtime: [],
    trust: [],
    dataStores: [],
    models: [],
    guardrails: [],
    secrets: [],
    otherPermissions: [],
    denies: [],
    managedPolicies: [],
    auditTrails: [],
    acknowledgedFindings: [],
  };
  fs.writeFileSync(
    file,
    JSON.stringify({
      schemaVersion: 1,
      agents: agents.map((a) => ({
        agentName: a.name,
        roleName: a.roleName,
        tenant: a.tenant ?? null,
        ...lists,
      })),
    }),
  );
  return file;
}

/** An account whose roles carry these tags (ListRoles + ListRoleTags). */
function account(roles: Record<string, Record<string, string>>): void {
  iam.on(ListRolesCommand).resolves({
    Roles: Object.keys(roles).map((n) => ({
      RoleName: n,
      Path: '/',
      Arn: `arn:aws:iam::111111111111:role/${n}`,
      RoleId: n,
      CreateDate: NOW,
    })),
  });
  for (const [name, tags] of Object.entries(roles)) {
    iam
      .on(ListRoleTagsCommand, { RoleName: name })
      .resolves({ Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
  }
}

const writes = () =>
  iam
    .calls()
    .map((c) => c.args[0].constructor.name)
    .filter((n) => !n.startsWith('List'));

describe('bad input: exit 2, nothing written', () => {
  test.each([
    [['triage'], /--reason/],
    [['triage', '--reason', '   '], /--reason/],
    [['--reason', 'x'], /exactly one of/],
    [['triage', '--fleet', '--reason', 'x'], /exactly one of/],
    [['Triage!', '--reason', 'x'], /not an agent name/],
    [['triage', '--reason', 'x', '--bogus'], /bogus/],
    [['triage', '--reason', 'x', '--region', 'moon'], /--region/],
  ])('%j', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(iam.calls()).toHaveLength(0);
  });

  test('an agent that is not in the report names the known agents', async () => {
    const report = reportFile([{ name: 'triage', roleName: 'triage-role' }]);
    const r = await run(['tirage', '--reason', 'x', '--report', report]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown agent "tirage".*known agents: triage/);
    expect(iam.calls()).toHaveLength(0);
  });

  test('an agent that no role of the account carries is an error, not a success', async () => {
    account({ 'other-role': { 'ai:agent': 'other' }, plain: {} });
    const r = await run(['triage', '--reason', 'x']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown agent "triage".*known agents: other/);
    expect(writes()).toEqual([]);
  });

  test('no credentials: exit 2 with what to do', async () => {
    iam
      .on(ListRolesCommand)
      .rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const r = await run(['triage', '--reason', 'x']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot look up the agent roles: Could not load credentials/);
    expect(r.err).toMatch(/--report/);
  });

  test('a missing report file is exit 2', async () => {
    const r = await run(['triage', '--reason', 'x', '--report', '/nonexistent/agent-entitlements.json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no such file/);
  });

  test('the dispatcher routes revoke and keeps exit 2', async () => {
    let err = '';
    const code = await main(['revoke', 'triage'], {
      stdout: () => undefined,
      stderr: (t) => void (err += t),
    });
    expect(code).toBe(2);
    expect(err).toMatch(/--reason/);
  });
});

describe('dry run', () => {
  test('--dry-run --json prints every call with the policy document, offline, without a client', async () => {
    const report = reportFile([
      { name: 'triage', roleName: 'acme-triage', tenant: 'acme' },
      { name: 'billing', roleName: 'acme-billing', tenant: 'acme' },
      { name: 'other', roleName: 'globex-other', tenant: 'globex' },
    ]);
    const r = await run([
      '--tenant',
      'acme',
      '--reason',
      'prompt injection INC-42',
      '--report',
      report,
      '--dry-run',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.clients).toBe(0);
    expect(iam.calls()).toHaveLength(0);
    const plan = JSON.parse(r.out);
    expect(plan.dryRun).toBe(true);
    expect(plan.revokedAt).toBe(ISSUED);
    expect(
      plan.calls.map((c: { action: string; parameters: { RoleName: string } }) => [
        c.action,
        c.parameters.RoleName,
      ]),
    ).toEqual([
      ['iam:PutRolePolicy', 'acme-triage'],
      ['iam:TagRole', 'acme-triage'],
      ['iam:PutRolePolicy', 'acme-billing'],
      ['iam:TagRole', 'acme-billing'],
    ]);
    const doc = JSON.parse(plan.calls[0].parameters.PolicyDocument);
    expect(doc).toEqual(AgentRevocation.policyDocument(NOW));
    expect(doc.Statement[0]).toEqual({
      Sid: 'RevokeOlderSessions',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { DateLessThan: { 'aws:TokenIssueTime': ISSUED } },
    });
    expect(plan.calls[1].parameters.Tags).toEqual([
      { Key: 'ai:revoked', Value: ISSUED },
      { Key: 'ai:revoked-reason', Value: 'prompt injection INC-42' },
    ]);
  });

  test('a generated role name is flagged as resolved at run time', async () => {
    const report = reportFile([{ name: 'triage', roleName: '${TriageRole1234}' }]);
    const r = await run(['triage', '--reason', 'x', '--report', report, '--dry-run', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).unresolvedRoleNames).toEqual(['triage']);
  });

  test('--undo --dry-run plans the untag first and the policy removal last', async () => {
    const report = reportFile([{ name: 'triage', roleName: 'triage-role' }]);
    const r = await run([
      'triage',
      '--undo',
      '--reason',
      'false alarm',
      '--report',
      report,
      '--dry-run',
      '--json',
    ]);
    expect(JSON.parse(r.out).calls.map((c: { action: string }) => c.action)).toEqual([
      'iam:UntagRole',
      'iam:DeleteRolePolicy',
    ]);
  });
});

describe('revoke and undo against the account', () => {
  test('revokes by tag lookup: the policy first, then the tags', async () => {
    account({
      'triage-role': { 'ai:agent': 'triage', 'ai:tenant': 'acme' },
      'other-role': { 'ai:agent': 'other' },
    });
    iam.on(PutRolePolicyCommand).resolves({});
    iam.on(TagRoleCommand).resolves({});
    const r = await run(['triage', '--reason', 'key leaked']);
    expect(r.code).toBe(0);
    expect(writes()).toEqual(['PutRolePolicyCommand', 'TagRoleCommand']);
    const put = iam.commandCalls(PutRolePolicyCommand)[0].args[0].input;
    expect(put.RoleName).toBe('triage-role');
    expect(put.PolicyName).toBe('AgentIdentityRevocation');
    expect(JSON.parse(put.PolicyDocument!)).toEqual(AgentRevocation.policyDocument(NOW));
    expect(r.out).toMatch(/triage \(role triage-role\): REVOKED/);
    expect(r.out).toMatch(/1 of 1 agents revoked/);
  });

  test('partial failure: says exactly what was and was not revoked, exit 1, never claims success', async () => {
    const report = reportFile([
      { name: 'a', roleName: 'role-a', tenant: 't' },
      { name: 'b', roleName: 'role-b', tenant: 't' },
      { name: 'c', roleName: 'role-c', tenant: 't' },
    ]);
    iam.on(PutRolePolicyCommand).resolves({});
    iam
      .on(PutRolePolicyCommand, { RoleName: 'role-b' })
      .rejects(awsError('AccessDenied', 'not allowed iam:PutRolePolicy'));
    iam.on(TagRoleCommand).resolves({});
    iam.on(TagRoleCommand, { RoleName: 'role-c' }).rejects(awsError('Throttling', 'Rate exceeded'));
    const r = await run(['--tenant', 't', '--reason', 'x', '--report', report, '--json']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/INCOMPLETE/);
    const result = JSON.parse(r.out);
    expect(result.complete).toBe(false);
    const [a, b, c] = result.agents;
    expect(a).toMatchObject({ status: 'revoked', done: ['iam:PutRolePolicy', 'iam:TagRole'], failed: [] });
    expect(b).toMatchObject({ status: 'failed', done: [], notAttempted: ['iam:TagRole'] });
    expect(b.state).toMatch(/^NOT revoked/);
    expect(b.failed[0].error).toMatch(/AccessDenied/);
    expect(c).toMatchObject({ status: 'partial', done: ['iam:PutRolePolicy'] });
    expect(c.state).toMatch(/revoked by the inline policy.*re-run/);
  });

  test('re-running after a partial failure completes it (idempotent)', async () => {
    const report = reportFile([{ name: 'c', roleName: 'role-c' }]);
    iam.on(PutRolePolicyCommand).resolves({});
    iam.on(TagRoleCommand).rejectsOnce(awsError('Throttling')).resolves({});
    expect((await run(['c', '--reason', 'x', '--report', report])).code).toBe(1);
    const again = await run(['c', '--reason', 'x', '--report', report]);
    expect(again.code).toBe(0);
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(2);
  });

  test('undo: untag, then delete the policy; a policy already gone counts as restored', async () => {
    const report = reportFile([{ name: 'a', roleName: 'role-a' }]);
    iam.on(UntagRoleCommand).resolves({});
    iam
      .on(DeleteRolePolicyCommand)
      .rejects(
        awsError('NoSuchEntity', 'The role policy with name AgentIdentityRevocation cannot be found.'),
      );
    const r = await run(['a', '--undo', '--reason', 'contained', '--report', report]);
    expect(r.code).toBe(0);
    expect(writes()).toEqual(['UntagRoleCommand', 'DeleteRolePolicyCommand']);
    expect(iam.commandCalls(UntagRoleCommand)[0].args[0].input.TagKeys).toEqual([
      'ai:revoked',
      'ai:revoked-reason',
    ]);
    expect(r.out).toMatch(/RESTORED/);
  });

  test('an undo that fails half-way says the agent is still revoked', async () => {
    const report = reportFile([{ name: 'a', roleName: 'role-a' }]);
    iam.on(UntagRoleCommand).resolves({});
    iam.on(DeleteRolePolicyCommand).rejects(awsError('AccessDenied'));
    const r = await run(['a', '--undo', '--reason', 'contained', '--report', report, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).agents[0].state).toMatch(/^STILL REVOKED by the inline policy/);
  });

  test('a generated role name in the report is resolved through the ai:agent tag before writing', async () => {
    const report = reportFile([{ name: 'triage', roleName: '${TriageRole1234}' }]);
    account({ 'Stack-TriageRole1234-ABC': { 'ai:agent': 'triage' } });
    iam.on(PutRolePolicyCommand).resolves({});
    iam.on(TagRoleCommand).resolves({});
    const r = await run(['triage', '--reason', 'x', '--report', report]);
    expect(r.code).toBe(0);
    expect(iam.commandCalls(PutRolePolicyCommand)[0].args[0].input.RoleName).toBe('Stack-TriageRole1234-ABC');
  });
});

test('the reason tag keeps only characters IAM accepts in a tag value', () => {
  expect(AgentRevocation.reasonTagValue('INC-42: "prompt" injection; <script>')).toBe(
    'INC-42: prompt injection script',
  );
  expect(AgentRevocation.reasonTagValue('x'.repeat(300))).toHaveLength(256);
});

test('every action the revocation names or calls exists in IAM', () => {
  for (const action of [...REVOKE_REQUIRED_ACTIONS, ...AgentRevocation.CREDENTIAL_PROVIDER_ACTIONS]) {
    expect([action, actionExists(action)]).toEqual([action, true]);
  }
});
