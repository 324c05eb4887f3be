import * as fs from 'fs';
import * as path from 'path';
import { CliOutput, USAGE, main, packageVersion } from '../../bin/agent-identity';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const out: CliOutput = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  const code = await main(argv, out);
  return { code, stdout, stderr };
}

describe('agent-identity --version', () => {
  test.each([['--version'], ['-v'], ['version']])(
    '%s prints the package version and exits 0',
    async (flag) => {
      expect(await run(flag)).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    },
  );

  test('the version is read from the package.json named cdk-agent-identity', () => {
    expect(packageVersion()).toBe(pkg.version);
  });

  test('the usage lists it', () => {
    expect(USAGE).toContain('-v, --version');
  });
});
