import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * What `npm pack` ships is what a user installs. This test packs the package exactly as a release
 * would (`npm pack`, which runs `prepack`: the build) from a copy of the repository, checks the
 * file list, then installs the tarball into a scratch consumer app with no network — the
 * package's own dependencies and peers are linked one by one from this repository's
 * node_modules, so a `require` of anything undeclared fails — and compiles and synthesizes the
 * README quickstart there.
 */

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const TARBALL = `${pkg.name}-${pkg.version}.tgz`;
/** Not copied into the staging copy: installed or generated. */
const NOT_COPIED = new Set([
  'node_modules',
  '.git',
  'dist',
  'cdk.out',
  'coverage',
  'dist-bench',
  '.jest-cache',
]);

interface Packed {
  readonly tarball: string;
  readonly files: string[];
  readonly work: string;
}

function packOnce(): Packed {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'packed-package-'));
  const stage = path.join(work, 'stage');
  fs.cpSync(ROOT, stage, {
    recursive: true,
    filter: (src) => !NOT_COPIED.has(path.basename(src)),
  });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: stage,
    encoding: 'utf8',
    env: { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const json = JSON.parse(out.slice(out.indexOf('[')));
  return {
    tarball: path.join(work, json[0].filename),
    files: (json[0].files as { path: string }[]).map((f) => f.path).sort(),
    work,
  };
}

/** Relative links (`[text](target)`) of a Markdown file, resolved against the package root. */
function relativeLinks(file: string, text: string): string[] {
  const links: string[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1].split('#')[0];
    if (target === '' || /^[a-z]+:/i.test(target)) continue;
    links.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), target)));
  }
  return links;
}

describe('the packed package (npm pack)', () => {
  let packed: Packed;
  beforeAll(() => {
    packed = packOnce();
  });
  afterAll(() => {
    if (packed) fs.rmSync(packed.work, { recursive: true, force: true });
  });

  test('is named <name>-<version>.tgz, the file the README Install section installs', () => {
    expect(path.basename(packed.tarball)).toBe(TARBALL);
    const install = /## Install[\s\S]*?```sh\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
    expect(install).toContain(`npm install ./${TARBALL} aws-cdk-lib constructs cdk-nag`);
    expect(install).toContain('npm ci && npm pack');
  });

  test('ships the license, changelog, rule list and the compiled library with its types', () => {
    for (const file of [
      'LICENSE',
      'CHANGELOG.md',
      'README.md',
      'RULES.md',
      'package.json',
      pkg.main,
      pkg.types,
      pkg.bin['agent-identity'],
    ]) {
      expect(packed.files).toContain(file);
    }
    const license = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    expect(pkg.license).toBe('Apache-2.0');
    expect(license).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('Semantic Versioning');
    expect(changelog).toMatch(new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}$`, 'm'));
  });

  test('ships the jsii assembly and bundles every runtime dependency that is not a jsii module', () => {
    expect(packed.files).toContain('.jsii');
    for (const name of pkg.bundleDependencies ?? []) {
      expect(packed.files).toContain(`node_modules/${name}/package.json`);
    }
  });

  test('ships every plain-JS Lambda handler the constructs load at synth', () => {
    const handlers = fs
      .readdirSync(path.join(ROOT, 'lib'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      .map((f) => `lib/${f.split(path.sep).join('/')}`);
    expect(handlers.length).toBeGreaterThan(0);
    for (const handler of handlers) expect(packed.files).toContain(handler);
  });

  test('ships every document a shipped Markdown file links to', () => {
    const missing: string[] = [];
    for (const file of packed.files.filter((f) => f.endsWith('.md') && !f.startsWith('node_modules/'))) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const target of relativeLinks(file, text)) {
        if (!packed.files.some((f) => f === target || f.startsWith(`${target}/`)))
          missing.push(`${file} → ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('ships no reference app, no tests, no TypeScript sources and no source maps', () => {
    // (bundled dependencies, under node_modules/, ship as their authors published them)
    const unwanted = packed.files.filter(
      (f) =>
        (f.endsWith('.map') && !f.startsWith('node_modules/')) ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
        /^dist\/bin\/(?!agent-identity\.)/.test(f) ||
        /^(dist\/)?(test|examples|bench)\//.test(f) ||
        f === 'cdk.json',
    );
    expect(unwanted).toEqual([]);
  });

  test('installs offline into a scratch app that compiles and synthesizes the README quickstart', () => {
    // GIVEN a consumer app with only the declared dependencies and peers available
    const consumer = path.join(packed.work, 'consumer');
    const modules = path.join(consumer, 'node_modules');
    const installed = path.join(modules, pkg.name);
    fs.mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', packed.tarball, '-C', installed, '--strip-components=1']);
    const declared = [
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
      '@types/node',
    ];
    for (const name of declared) {
      fs.mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
      fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name), 'dir');
    }
    const quickstart = /## Quickstart[\s\S]*?```ts\n([\s\S]*?)```/.exec(README)![1];
    fs.writeFileSync(path.join(consumer, 'app.ts'), quickstart);
    fs.writeFileSync(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          skipLibCheck: true,
          outDir: 'out',
          types: ['node'],
        },
        files: ['app.ts'],
      }),
    );
    // WHEN the app is compiled against the installed package's types and run
    const tsc = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', consumer],
      {
        encoding: 'utf8',
      },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    const outdir = path.join(consumer, 'cdk.out');
    const run = spawnSync(process.execPath, [path.join(consumer, 'out', 'app.js')], {
      cwd: consumer,
      encoding: 'utf8',
      env: { ...process.env, CDK_OUTDIR: outdir },
    });
    // THEN it synthesizes with the package from the tarball, with the evidence written
    expect(run.status).toBe(0);
    // AND it says what happened in one line
    expect(run.stderr).toMatch(
      /^cdk-agent-identity: AgentIdentity ran on 1 stack: 0 errors, 0 warnings unacknowledged, \d+ acknowledged with reasons; entitlement report: cdk\.out\/agent-entitlements\.\{json,md\}$/m,
    );
    expect(fs.existsSync(path.join(outdir, 'Quickstart.template.json'))).toBe(true);
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'agent-entitlements.json'), 'utf8'));
    expect(report.agents.map((a: { agentName: string }) => a.agentName)).toEqual(['email-triage']);
    // AND the rotation handler the synth packaged is the one shipped in the tarball
    const assets = fs.readdirSync(outdir).filter((f) => f.startsWith('asset.'));
    expect(assets.some((a) => fs.existsSync(path.join(outdir, a, 'index.js')))).toBe(true);
    // AND the installed CLI answers --version without any warning
    const cli = spawnSync(process.execPath, [path.join(installed, pkg.bin['agent-identity']), '--version'], {
      encoding: 'utf8',
    });
    expect({ status: cli.status, stdout: cli.stdout, stderr: cli.stderr }).toEqual({
      status: 0,
      stdout: `${pkg.version}\n`,
      stderr: '',
    });
    // AND the CLI's diff works with what the library installs, while revoke and review, which call
    // AWS through an SDK the library does not depend on, say what to install and exit 2
    const agentIdentity = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(installed, pkg.bin['agent-identity']), ...args], {
        cwd: consumer,
        encoding: 'utf8',
      });
    const evidence = path.join(outdir, 'agent-entitlements.json');
    expect(agentIdentity('diff', evidence, evidence)).toMatchObject({
      status: 0,
      stdout: 'No entitlement changed.\n',
    });
    expect(pkg.dependencies).not.toHaveProperty('@aws-sdk/client-iam');
    for (const command of [['revoke', 'email-triage', '--reason', 'incident'], ['review']]) {
      const missing = agentIdentity(...command);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain(
        `npm install --save-dev @aws-sdk/client-iam@${pkg.devDependencies['@aws-sdk/client-iam']}`,
      );
    }
    // AND once the SDK is installed next to it, the command runs
    fs.mkdirSync(path.join(modules, '@aws-sdk'), { recursive: true });
    fs.symlinkSync(
      path.join(ROOT, 'node_modules', '@aws-sdk', 'client-iam'),
      path.join(modules, '@aws-sdk', 'client-iam'),
      'dir',
    );
    expect(agentIdentity('revoke', '--help')).toMatchObject({ status: 0, stderr: '' });
  });

  test('bundles exactly its bundledDependencies, and never the CLI-only AWS SDK', () => {
    const bundled = new Set(
      packed.files
        .filter((f) => f.startsWith('node_modules/'))
        .map((f) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)![1]),
    );
    expect([...bundled].sort()).toEqual([...(pkg.bundleDependencies ?? [])].sort());
    expect(pkg.bundleDependencies).toEqual(expect.arrayContaining(['yaml']));
    expect(bundled.has('@aws-sdk/client-iam')).toBe(false);
  });

  test('ships the typed report file format for TypeScript users at its documented sub-path', () => {
    for (const file of ['dist/lib/report/report-format.js', 'dist/lib/report/report-format.d.ts']) {
      expect(packed.files).toContain(file);
    }
    expect(README).toContain("from 'cdk-agent-identity/dist/lib/report/report-format'");
  });
});
