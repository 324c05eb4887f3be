import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ts from 'typescript';
import * as library from '../../lib';

/**
 * The README section "Using from Python, Java, .NET and Go": its TypeScript example does what the
 * section says, and the check that keeps its translations equal to jsii-rosetta's (`npm run
 * docs:check`, scripts/jsii-docs.mjs) fails on each kind of drift. The translation itself and the
 * compilation of every README block run in `npm run docs:check` (jsii-rosetta needs the assembly).
 */
const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'jsii-docs.mjs');
const SECTION = '## Using from Python, Java, .NET and Go';
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function section(): string {
  const start = README.indexOf(`\n${SECTION}\n`);
  expect(start).toBeGreaterThan(0);
  const end = README.indexOf('\n## ', start + SECTION.length + 2);
  return README.slice(start, end);
}

function block(text: string, language: string): string {
  const body = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(text)?.[1];
  if (body === undefined) throw new Error(`no \`\`\`${language} block`);
  return body;
}

/** Runs a TypeScript program of the README with `cdk-agent-identity` resolved to this repository. */
function runExample(source: string): Record<string, unknown> {
  const js = ts.transpileModule(`${source}\nmodule.exports = { app, stack, agent };\n`, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
  const mod = { exports: {} as Record<string, unknown> };
  const modules: Record<string, unknown> = {
    'aws-cdk-lib': cdk,
    'aws-cdk-lib/aws-s3': s3,
    'cdk-agent-identity': library,
  };
  const load = (id: string) => {
    if (!(id in modules)) throw new Error(`the README example imports ${id}: add it to this test`);
    return modules[id];
  };
  new Function('require', 'module', 'exports', js)(load, mod, mod.exports);
  return mod.exports;
}

type Statement = { Effect: string; Action?: string | string[] };
type PolicyDocument = { Statement: Statement[] };

/** The actions allowed by every identity policy of a template (inline, attached and managed). */
function allowedActions(template: {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}) {
  const documents: PolicyDocument[] = [];
  for (const r of Object.values(template.Resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      documents.push(p.PolicyDocument as PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') {
      for (const inline of (p.Policies ?? []) as { PolicyDocument: PolicyDocument }[])
        documents.push(inline.PolicyDocument);
    }
  }
  return documents.flatMap((d) =>
    d.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action ?? []),
  );
}

function tabletFor(readme: string, python: string): object {
  const snippets: Record<string, object> = {};
  const fence = /^```(ts|typescript)\n([\s\S]*?)^```$/gm;
  let i = 0;
  for (let m; (m = fence.exec(readme)); i++) {
    snippets[`s${i}`] = {
      translations: {
        $: { source: m[2].trim(), version: '0' },
        python: { source: python, version: '2' },
        java: { source: 'App app = new App();', version: '2' },
        csharp: { source: 'var app = new App();', version: '2' },
        go: { source: 'app := awscdk.NewApp(nil)', version: '2' },
      },
      didCompile: true,
    };
  }
  return { version: '2', toolVersion: 'test', snippets };
}

/** The README with the section's translations replaced by the given ones. */
function withTranslations(readme: string, python: string): string {
  const start = readme.indexOf(`\n${SECTION}\n`);
  const end = readme.indexOf('\n## ', start + SECTION.length + 2);
  const replaced = readme
    .slice(start, end)
    .replace(/```python\n[\s\S]*?```/, '```python\n' + python + '\n```')
    .replace(/```java\n[\s\S]*?```/, '```java\nApp app = new App();\n```')
    .replace(/```csharp\n[\s\S]*?```/, '```csharp\nvar app = new App();\n```')
    .replace(/```go\n[\s\S]*?```/, '```go\napp := awscdk.NewApp(nil)\n```');
  return readme.slice(0, start) + replaced + readme.slice(end);
}

function checkReadme(readme: string, tablet: object): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-check-'));
  try {
    fs.writeFileSync(path.join(dir, 'README.md'), readme);
    fs.writeFileSync(path.join(dir, 'tablet.json'), JSON.stringify(tablet));
    const r = spawnSync(
      process.execPath,
      [SCRIPT, 'readme', '--readme', path.join(dir, 'README.md'), '--tablet', path.join(dir, 'tablet.json')],
      { encoding: 'utf8' },
    );
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('README: using the library from Python, Java, .NET and Go', () => {
  test('the TypeScript example synthesizes the agent it shows: its role, tags and S3 read grant', () => {
    // GIVEN the example as the README shows it
    const example = block(section(), 'ts');
    expect(example).toContain("from 'cdk-agent-identity'");

    // WHEN it runs
    const { stack } = runExample(example);

    // THEN the agent role is tagged for ABAC and may read the inbox prefix of the bucket
    const template = Template.fromStack(stack as Stack);
    const roles = Object.values(template.findResources('AWS::IAM::Role')) as {
      Properties: { Tags?: { Key: string; Value: string }[] };
    }[];
    const agentRoles = roles.filter((r) =>
      r.Properties.Tags?.some((t) => t.Key === 'ai:agent' && t.Value === 'email-triage'),
    );
    expect(agentRoles).toHaveLength(1);
    expect(agentRoles[0].Properties.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'ai:tenant', Value: 'acme' },
        { Key: 'ai:clearance', Value: 'confidential' },
      ]),
    );
    const actions = allowedActions(template.toJSON() as Parameters<typeof allowedActions>[0]);
    expect(actions).toContain('s3:GetObject');
    expect(actions).not.toContain('s3:PutObject');
  });

  test('each translation shown is a fenced block the check regenerates', () => {
    const text = section();
    for (const language of ['python', 'java', 'csharp', 'go'])
      expect(block(text, language).trim()).not.toBe('');
    // The Python one is the example, in Python's names.
    expect(block(text, 'python')).toContain('from cdk_agent_identity import');
    expect(block(text, 'python')).toContain('AgentRuntime.lambda_function()');
  });

  test('the README check passes when every block compiled and the translations are the tablet’s', () => {
    const readme = withTranslations(README, 'app = App()');
    const r = checkReadme(readme, tabletFor(readme, 'app = App()'));
    expect(r.output).toContain('example is current');
    expect(r.status).toBe(0);
  });

  test('the README check fails, naming the fix, when a translation differs from rosetta’s', () => {
    const readme = withTranslations(README, 'app = App()  # edited by hand');
    const r = checkReadme(readme, tabletFor(readme, 'app = App()'));
    expect(r.status).toBe(1);
    expect(r.output).toContain('run npm run docgen');
  });

  test('the README check fails when a TypeScript block did not compile or is not in the tablet', () => {
    const readme = withTranslations(README, 'app = App()');
    const tablet = tabletFor(readme, 'app = App()') as { snippets: Record<string, { didCompile: boolean }> };
    tablet.snippets.s0.didCompile = false;
    const notCompiled = checkReadme(readme, tablet);
    expect(notCompiled.status).toBe(1);
    expect(notCompiled.output).toMatch(/README\.md:\d+: this TypeScript block did not compile/);

    const extra = readme.replace(`\n${SECTION}\n`, `\n\`\`\`ts\nconst added = 1;\n\`\`\`\n\n${SECTION}\n`);
    const missing = checkReadme(extra, tabletFor(readme, 'app = App()'));
    expect(missing.status).toBe(1);
    expect(missing.output).toMatch(/README\.md:\d+: this TypeScript block is not in the rosetta tablet/);
  });

  test('the Python smoke test is the README’s Python example followed by checks of its template', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { pythonSmokeTest } from ${JSON.stringify(SCRIPT)};\n` +
          `import * as fs from 'node:fs';\n` +
          `process.stdout.write(pythonSmokeTest(fs.readFileSync(${JSON.stringify(path.join(ROOT, 'README.md'))}, 'utf8')));`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(block(section(), 'python').trimEnd());
    expect(r.stdout).toContain('assert len(agent_roles) == 1');
    expect(r.stdout).toContain('print("python smoke test: ok")');
    const python = spawnSync('python3', ['--version']);
    if (python.status !== 0) return; // no Python here: the generated text was checked above
    // The checks the smoke test runs after the example hold on the template the TypeScript example
    // synthesizes (the Python package synthesizes the same), and fail on one without the grant.
    const checks = r.stdout.slice(r.stdout.indexOf('# What the example synthesized'));
    const { stack } = runExample(block(section(), 'ts'));
    const template = Template.fromStack(stack as Stack).toJSON();
    const withoutGrants = JSON.parse(JSON.stringify(template));
    for (const resource of Object.values(withoutGrants.Resources) as {
      Type: string;
      Properties: { Policies?: unknown };
    }[]) {
      if (resource.Type === 'AWS::IAM::Role') delete resource.Properties.Policies;
    }
    for (const key of Object.keys(withoutGrants.Resources)) {
      if (['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(withoutGrants.Resources[key].Type))
        delete withoutGrants.Resources[key];
    }
    const runChecks = (tmpl: object) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-'));
      try {
        fs.writeFileSync(path.join(dir, 'template.json'), JSON.stringify(tmpl));
        const harness = [
          'import json, sys',
          'class Synthesized:',
          '    template = json.load(open(sys.argv[1]))',
          '    def synth(self): return self',
          '    def get_stack_by_name(self, name): return self',
          'app = Synthesized()',
          checks,
        ].join('\n');
        fs.writeFileSync(path.join(dir, 'checks.py'), harness);
        return spawnSync('python3', [path.join(dir, 'checks.py'), path.join(dir, 'template.json')], {
          encoding: 'utf8',
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    const ok = runChecks(template);
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('python smoke test: ok');
    const broken = runChecks(withoutGrants);
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain('AssertionError');
  });
});
