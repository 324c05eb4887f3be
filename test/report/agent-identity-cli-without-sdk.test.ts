import * as fs from 'fs';
import * as path from 'path';
import { CliOutput } from '../../bin/agent-identity';
import { tempDir } from './fixtures';

// GIVEN an installation without the AWS SDK's IAM client: requiring it fails the way Node fails
// for a package that is not installed
jest.mock('@aws-sdk/client-iam', () => {
  const error = new Error("Cannot find module '@aws-sdk/client-iam'") as NodeJS.ErrnoException;
  error.code = 'MODULE_NOT_FOUND';
  throw error;
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require('../../bin/agent-identity') as typeof import('../../bin/agent-identity');

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out: CliOutput = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  const code = await main(argv, out);
  return { code, stdout, stderr };
}

const INSTALL = /npm install --save-dev @aws-sdk\/client-iam@\^3\.\d+\.\d+\n$/;

describe('agent-identity without @aws-sdk/client-iam installed', () => {
  test('revoke says what to install and exits 2, calling nothing', async () => {
    // WHEN an agent is revoked
    const r = await run('revoke', 'email-triage', '--reason', 'incident 42');
    // THEN the command names the missing package, why it is separate, and the install command
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'agent-identity revoke: this command calls AWS IAM through @aws-sdk/client-iam',
    );
    expect(r.stderr).toContain('the construct library does not depend on it');
    expect(r.stderr).toMatch(INSTALL);
  });

  test('review says what to install and exits 2', async () => {
    const r = await run('review', '--format', 'json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'agent-identity review: this command calls AWS IAM through @aws-sdk/client-iam',
    );
    expect(r.stderr).toMatch(INSTALL);
  });

  test('diff needs no SDK and still works', async () => {
    // GIVEN a report written to disk
    const file = path.join(tempDir('agent-cli-no-sdk-'), 'agent-entitlements.json');
    const report = { schemaVersion: 2, generator: 'cdk-agent-identity', agents: [], acknowledgements: [] };
    fs.writeFileSync(file, JSON.stringify(report));
    // WHEN it is compared with itself THEN nothing widened
    expect(await run('diff', file, file)).toEqual({
      code: 0,
      stdout: 'No entitlement changed.\n',
      stderr: '',
    });
  });
});
