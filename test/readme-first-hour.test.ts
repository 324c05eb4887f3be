import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * What the README tells a new user to type in Install and Deploying is checked here against
 * the repository (the TypeScript blocks are compiled and tested word for word by the examples:
 * quickstart, wire-to-compute, sandbox-trail; the tarball install by test/package).
 */
const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

function block(section: string, lang: string): string {
  const text = new RegExp(`## ${section}[\\s\\S]*?\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(README)?.[1];
  if (text === undefined) throw new Error(`README has no ${lang} block under "## ${section}"`);
  return text;
}

function cdk(...args: string[]): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/aws-cdk/bin/cdk'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CI: 'true' },
  });
  return `${r.stdout}${r.stderr}`;
}

describe('README: the first hour', () => {
  test('the recommended cdk.json is the one this repository runs', () => {
    expect(JSON.parse(block('Install', 'json'))).toEqual(
      JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')),
    );
    expect(block('Install', 'json')).toContain('ts-node --transpile-only');
  });

  test('the toolchain stated is the one package.json pins', () => {
    expect(README).toMatch(/TypeScript `~6\.0`/);
    expect(pkg.devDependencies.typescript).toBe('~6.0.3');
    expect(README).toContain('`aws-cdk@2.1148.x`');
    expect(pkg.devDependencies['aws-cdk']).toMatch(/^~2\.1148\./);
    expect(README).toContain('Node.js 22 or 24');
    expect(pkg.engines.node).toBe('>=22');
  });

  test('the supported Node versions get no AWS SDK version warning', () => {
    // The SDK warns below the Node major it names (NodeVersionSupportWarning); the package's
    // engines must start at or above it, so a supported Node never sees the warning.
    const sdk = fs.readFileSync(
      require.resolve('@aws-sdk/core/client', { paths: [require.resolve('@aws-sdk/client-iam')] }),
      'utf8',
    );
    const floor = Number(/const vv = (\d+);\s*if \(userMajorVersion < vv\)/.exec(sdk)?.[1]);
    expect(floor).toBeGreaterThan(0);
    expect(Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1])).toBeGreaterThanOrEqual(floor);
  });

  test('every Deploying command is a command of the pinned CDK CLI, with options it accepts', () => {
    const lines = block('Deploying', 'sh').trim().split('\n');
    expect(lines).toEqual([
      'npx cdk bootstrap aws://111111111111/us-east-1',
      'npx cdk deploy --all',
      'npx cdk destroy --all',
    ]);
    const help = cdk('--help');
    for (const line of lines) {
      const [, , command, ...args] = line.split(' ');
      expect(help).toMatch(new RegExp(`cdk ${command}\\b`));
      const commandHelp = cdk(command, '--help');
      for (const option of args.filter((a) => a.startsWith('--'))) expect(commandHelp).toContain(option);
    }
  });
});
