import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CliOutput, DIFF_USAGE, USAGE, main } from '../../bin/agent-identity';
import { synthReport, tempDir } from './fixtures';

/** Runs the CLI in-process and captures what it writes. */
async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out: CliOutput = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  const code = await main(argv, out);
  return { code, stdout, stderr };
}

// GIVEN a baseline report, a widened one and a narrowed one written to disk
const dir = tempDir('agent-cli-');
const baselineFile = path.join(dir, 'baseline.json');
const widenedFile = path.join(dir, 'widened.json');
const narrowedFile = path.join(dir, 'narrowed.json');
const base = synthReport().report;
fs.writeFileSync(baselineFile, JSON.stringify(base));
fs.writeFileSync(widenedFile, JSON.stringify(synthReport({ inboxWrite: true }).report));
fs.writeFileSync(
  narrowedFile,
  JSON.stringify({ ...base, agents: base.agents.filter((a) => a.agentName !== 'legacy-bot') }),
);

function writeFile(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('agent-identity CLI', () => {
  test.each([['--help'], ['-h'], ['help']])('%s prints the usage and exits 0', async (flag) => {
    const r = await run(flag);
    expect(r).toEqual({ code: 0, stdout: USAGE, stderr: '' });
  });

  test('diff --help explains widening and the exit codes', async () => {
    const r = await run('diff', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(DIFF_USAGE);
    expect(r.stdout).toContain('1  access widened');
  });

  test('no command is a usage error (exit 2, usage on stderr)', async () => {
    expect(await run()).toEqual({ code: 2, stdout: '', stderr: USAGE });
  });

  test('an unknown command or option is a usage error', async () => {
    const unknown = await run('audit');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "audit"');
    const option = await run('diff', '--fast', baselineFile, widenedFile);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--fast'");
  });

  test('diff needs exactly two files', async () => {
    const r = await run('diff', baselineFile);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected two files (baseline and new), got 1');
  });

  test('widened access exits 1 and names the change', async () => {
    const r = await run('diff', baselineFile, widenedFile);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^agent email-triage\n {2}WIDENED {2}action-added: new actions on data store s3 \$\{Inbox[0-9A-F]+\.Arn\}: .*s3:PutObject/m,
    );
    expect(r.stdout).toContain('Access widened: 1 change(s) for 1 agent(s).');
  });

  test('narrowed access exits 0 and still prints the change', async () => {
    const r = await run('diff', baselineFile, narrowedFile);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'agent legacy-bot\n  ok       agent-removed: agent removed (was in stack AgentsStack)',
    );
    expect(r.stdout).toContain('Access did not widen');
  });

  test('the same file exits 0 with no change', async () => {
    expect(await run('diff', baselineFile, baselineFile)).toEqual({
      code: 0,
      stdout: 'No entitlement changed.\n',
      stderr: '',
    });
  });

  test('--format json prints the structured diff', async () => {
    const r = await run('diff', '--format', 'json', baselineFile, widenedFile);
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.stdout);
    expect(parsed.widened).toBe(true);
    expect(parsed.changes[0]).toMatchObject({ agent: 'email-triage', kind: 'action-added', widened: true });
    expect((await run('diff', '--format', 'xml', baselineFile, widenedFile)).code).toBe(2);
  });

  const badInputs: [string, string, string][] = [
    ['a missing file', '', 'cannot read {file}: no such file'],
    ['invalid JSON', '{"schemaVersion": 1, ', 'is not valid JSON'],
    ['a JSON array', '[]', 'is not an entitlement report: expected a JSON object'],
    ['no schemaVersion', '{"agents": []}', 'has no schemaVersion'],
    [
      'a newer schemaVersion',
      '{"schemaVersion": 3, "agents": []}',
      'has schemaVersion 3, but this agent-identity reads schemaVersion 1 or 2',
    ],
    ['a string schemaVersion', '{"schemaVersion": "1", "agents": []}', 'has schemaVersion "1"'],
    ['no agents list', '{"schemaVersion": 2}', '"agents" must be a list'],
    [
      'an agent without lists',
      '{"schemaVersion": 2, "agents": [{"agentName": "x"}]}',
      'agents[0] (x) has no "runtime" list',
    ],
    [
      'a version-1 agent without its pins',
      '{"schemaVersion": 1, "agents": [{"agentName": "x", "runtime": [], "trust": [], "dataStores": [], "models": []}]}',
      'agents[0] (x) has no "guardrailPins" list',
    ],
    [
      'a version-1 file with a version-2 field',
      '{"schemaVersion": 1, "agents": [{"agentName": "x", "guardrailPins": []}]}',
      'agents[0] (x) has "guardrailPins", a field of schemaVersion 2, in a schemaVersion 1 file',
    ],
  ];

  test.each(badInputs)('%s exits 2 with a clear error', async (_what, content, message) => {
    // GIVEN a bad new file (or none)
    const file =
      content === ''
        ? path.join(dir, 'does-not-exist.json')
        : writeFile(`bad-${Math.random()}.json`, content);
    // WHEN diffed against a good baseline, in either position
    for (const args of [
      [baselineFile, file],
      [file, baselineFile],
    ]) {
      const r = await run('diff', ...args);
      // THEN the exit code is 2 and the error names the file and the problem
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`agent-identity diff: `);
      expect(r.stderr).toContain(message.replace('{file}', file));
      expect(r.stderr).toContain(file);
    }
  });

  test('review is dispatched to runReviewCli of lib/review', async () => {
    // GIVEN stdout captured (runReviewCli writes to the process streams)
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      // WHEN asking for the review help
      const code = await main(['review', '--help'], { stdout: () => undefined, stderr: () => undefined });
      // THEN the review module answered
      expect(code).toBe(0);
      expect(spy.mock.calls.map((c) => String(c[0])).join('')).toContain('agent-identity review');
    } finally {
      spy.mockRestore();
    }
  });

  test('as a process: exit codes 0, 1 and 2 reach the shell', () => {
    const cli = (args: string[]) =>
      spawnSync('npx', ['ts-node', '--transpile-only', 'bin/agent-identity.ts', ...args], {
        cwd: path.join(__dirname, '../..'),
        encoding: 'utf8',
      });
    const help = cli(['--help']);
    expect({ status: help.status, usage: help.stdout.startsWith('usage: agent-identity') }).toEqual({
      status: 0,
      usage: true,
    });
    expect(cli(['diff', baselineFile, widenedFile]).status).toBe(1);
    const bad = cli(['diff', baselineFile, path.join(dir, 'nope.json')]);
    expect({ status: bad.status, stderr: bad.stderr }).toEqual({
      status: 2,
      stderr: `agent-identity diff: cannot read ${path.join(dir, 'nope.json')}: no such file\n`,
    });
  });
});
