#!/usr/bin/env node
/* global process, console */
// The generated documentation and the other-language packages of the jsii assembly (README section
// "Using from Python, Java, .NET and Go"). One entry point for the npm scripts:
//
//   node scripts/jsii-docs.mjs docgen    API.md (jsii-docgen) and the README's translated examples
//                                         (jsii-rosetta); `npm run docgen`
//   node scripts/jsii-docs.mjs check     fails when API.md or a README translation is out of date, or
//                                         when any code sample does not compile (rosetta --strict);
//                                         `npm run docs:check`, part of `npm test`
//   node scripts/jsii-docs.mjs smoke     writes dist-jsii/smoke/smoke_test.py; `npm run smoke:python`
//   node scripts/jsii-docs.mjs package   jsii-pacmak --code-only for Python, Java, .NET and Go, the smoke
//                                         test, and the checks that need no registry; `npm run package:all`
//   node scripts/jsii-docs.mjs readme [--readme FILE] [--tablet FILE]
//                                         only the README-against-tablet check (used by its tests)
//
// Each command first compiles the assembly (`jsii --fail-on-warnings`) when `.jsii` is missing or
// older than a source it is built from, so one command is enough after any change.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ASSEMBLY = path.join(ROOT, '.jsii');
const TABLET = path.join(ROOT, '.jsii.tabl.json');
const API_MD = path.join(ROOT, 'API.md');
const README = path.join(ROOT, 'README.md');
const OUTDIR = path.join(ROOT, 'dist-jsii');
const SMOKE = path.join(OUTDIR, 'smoke', 'smoke_test.py');
/** The fingerprint of the assembly the tablet was extracted from. */
const TABLET_OF = path.join(ROOT, 'node_modules', '.cache', 'jsii-docs', 'tablet-of');

/** The README section whose TypeScript example is shown translated, and the translations shown. */
export const SECTION = '## Using from Python, Java, .NET and Go';
export const LANGUAGES = ['python', 'java', 'csharp', 'go'];

// jsii's tools warn on every run that Node 20 is past its end of life; CI and these machines run it.
const ENV = {
  ...process.env,
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '1',
  JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1',
  JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION: '1',
};

class Failure extends Error {}

function fail(message) {
  throw new Failure(message);
}

function seconds(start) {
  return `${((Date.now() - start) / 1000).toFixed(1)} s`;
}

/** Runs a tool of node_modules/.bin; fails with its output when it exits non-zero. */
function tool(label, name, args, env = {}) {
  const start = Date.now();
  const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', name), args, {
    cwd: ROOT,
    env: { ...ENV, ...env },
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    fail(`${label} failed (${name} ${args.join(' ')}, exit ${r.status ?? r.signal}):\n${output.trim()}`);
  }
  console.log(`${label}: ${seconds(start)}`);
  return output;
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.(ts|js|md)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  }
  return newest;
}

/** Compiles the assembly when it is missing or older than lib/, README.md or package.json. */
function ensureAssembly() {
  const sources = Math.max(
    newestSource(path.join(ROOT, 'lib')),
    fs.statSync(README).mtimeMs,
    fs.statSync(path.join(ROOT, 'package.json')).mtimeMs,
  );
  if (fs.existsSync(ASSEMBLY) && fs.statSync(ASSEMBLY).mtimeMs >= sources) return;
  tool('jsii (assembly out of date)', 'jsii', ['--fail-on-warnings']);
}

/** Compiles and translates every code sample of the assembly (README and doc comments) into the tablet. */
function rosetta() {
  fs.rmSync(TABLET, { force: true });
  fs.rmSync(TABLET_OF, { force: true });
  // --batch compiles the samples in one TypeScript program (about half the time of one program each).
  tool('jsii-rosetta extract --strict', 'jsii-rosetta', ['extract', '--strict', '--batch', '100', ASSEMBLY]);
  if (!fs.existsSync(TABLET)) fail(`jsii-rosetta wrote no tablet at ${path.relative(ROOT, TABLET)}`);
  fs.mkdirSync(path.dirname(TABLET_OF), { recursive: true });
  fs.writeFileSync(TABLET_OF, assemblyFingerprint());
}

function assemblyFingerprint() {
  return JSON.parse(fs.readFileSync(ASSEMBLY, 'utf8')).fingerprint;
}

/** Runs rosetta unless the tablet was extracted from an assembly with the current fingerprint. */
function ensureTablet() {
  const extractedFrom = fs.existsSync(TABLET_OF) ? fs.readFileSync(TABLET_OF, 'utf8') : undefined;
  if (!fs.existsSync(TABLET) || extractedFrom !== assemblyFingerprint()) rosetta();
}

/** The fenced blocks of a markdown text, in order: language (first word of the info string) and body. */
export function fencedBlocks(markdown) {
  const blocks = [];
  const fence = /^(`{3,})([^\n`]*)\n([\s\S]*?)^\1[ \t]*$/gm;
  for (let m; (m = fence.exec(markdown));) {
    blocks.push({ language: m[2].trim().split(/\s+/)[0], body: m[3], start: m.index, end: fence.lastIndex });
  }
  return blocks;
}

/** The blocks of the README's other-languages section: its TypeScript example and the translations. */
function sectionBlocks(readme) {
  const start = readme.indexOf(`\n${SECTION}\n`);
  if (start < 0) fail(`README.md has no section "${SECTION}"`);
  const next = readme.indexOf('\n## ', start + SECTION.length + 2);
  const end = next < 0 ? readme.length : next;
  const blocks = fencedBlocks(readme.slice(start, end)).map((b) => ({
    ...b,
    start: b.start + start,
    end: b.end + start,
  }));
  const example = blocks.find((b) => b.language === 'ts' || b.language === 'typescript');
  if (!example) fail(`README.md section "${SECTION}" has no \`\`\`ts example`);
  const translations = LANGUAGES.map((language) => {
    const block = blocks.find((b) => b.language === language && b.start > example.start);
    if (!block) fail(`README.md section "${SECTION}" has no \`\`\`${language} block after its example`);
    return { ...block, language };
  });
  return { example, translations };
}

function readTablet(file) {
  const tablet = JSON.parse(fs.readFileSync(file, 'utf8'));
  return Object.values(tablet.snippets ?? {});
}

/** The README's TypeScript blocks that rosetta compiles (```ts / ```typescript without `nocompile`). */
function compiledReadmeBlocks(readme) {
  return fencedBlocks(readme).filter((b) => b.language === 'ts' || b.language === 'typescript');
}

/**
 * What the README must say: for the example of the section, each language block is the tablet's
 * translation; every TypeScript block of the README was compiled and translated to Python.
 * Returns the README with the translations put in (equal to `readme` when it is current), and the
 * problems that regenerating cannot fix.
 */
export function readmeAgainstTablet(readme, snippets) {
  const problems = [];
  const bySource = new Map();
  for (const s of snippets) {
    const source = s.translations?.$?.source;
    if (typeof source === 'string') bySource.set(source.trim(), s);
  }
  for (const block of compiledReadmeBlocks(readme)) {
    const snippet = bySource.get(block.body.trim());
    const line = readme.slice(0, block.start).split('\n').length;
    if (!snippet) problems.push(`README.md:${line}: this TypeScript block is not in the rosetta tablet`);
    else if (snippet.didCompile !== true)
      problems.push(`README.md:${line}: this TypeScript block did not compile`);
    else if (!snippet.translations.python?.source) problems.push(`README.md:${line}: no Python translation`);
  }
  const { example, translations } = sectionBlocks(readme);
  const snippet = bySource.get(example.body.trim());
  if (!snippet) {
    problems.push(`README.md section "${SECTION}": its TypeScript example is not in the rosetta tablet`);
    return { expected: readme, problems };
  }
  let expected = readme;
  for (const block of [...translations].reverse()) {
    const source = snippet.translations[block.language]?.source;
    if (typeof source !== 'string') {
      problems.push(`README.md section "${SECTION}": rosetta has no ${block.language} translation`);
      continue;
    }
    const fenced = `\`\`\`${block.language}\n${source.trimEnd()}\n\`\`\``;
    expected = expected.slice(0, block.start) + fenced + expected.slice(block.end);
  }
  return { expected, problems };
}

/** The README's translated Python example, with a check of what it synthesized. */
export function pythonSmokeTest(readme) {
  const python = sectionBlocks(readme).translations.find((t) => t.language === 'python').body;
  return [
    '# Smoke test of the Python package, generated by `npm run smoke:python` (scripts/jsii-docs.mjs) from',
    `# README.md, section "${SECTION.replace(/^## /, '')}": the README's example as jsii-rosetta translates it,`,
    '# then a check of the template it synthesized. Run it where the package and its dependencies are',
    '# installed (see that section): python dist-jsii/smoke/smoke_test.py',
    '',
    python.trimEnd(),
    '',
    '# What the example synthesized: the agent role, tagged for ABAC, with its S3 read grant.',
    'template = app.synth().get_stack_by_name("Agents").template',
    'roles = [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"]',
    'agent_roles = [r for r in roles if {"Key": "ai:agent", "Value": "email-triage"} in r["Properties"].get("Tags", [])]',
    'assert len(agent_roles) == 1, roles',
    'documents = [r["Properties"]["PolicyDocument"] for r in template["Resources"].values() if r["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")]',
    'documents += [p["PolicyDocument"] for r in roles for p in r["Properties"].get("Policies", [])]',
    'allowed = [s for d in documents for s in d["Statement"] if s["Effect"] == "Allow"]',
    'actions = [a for s in allowed for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]',
    'assert "s3:GetObject" in actions and "s3:PutObject" not in actions, actions',
    'print("python smoke test: ok")',
    '',
  ].join('\n');
}

function checkReadme(readmeFile, tabletFile, { write }) {
  const readme = fs.readFileSync(readmeFile, 'utf8');
  const { expected, problems } = readmeAgainstTablet(readme, readTablet(tabletFile));
  if (problems.length > 0) fail(problems.join('\n'));
  if (expected === readme) {
    console.log(`README.md: every TypeScript block compiled; the ${LANGUAGES.join(', ')} example is current`);
    return;
  }
  if (!write) {
    fail(
      `README.md: the translated examples of "${SECTION}" differ from what jsii-rosetta makes of its ` +
        'TypeScript example: run npm run docgen',
    );
  }
  fs.writeFileSync(readmeFile, expected);
  console.log(`README.md: translated examples of "${SECTION}" regenerated`);
}

function docgen(output) {
  tool('jsii-docgen', 'jsii-docgen', ['--output', output]);
}

function checkApiMd() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-md-'));
  try {
    docgen(path.join(dir, 'API.md'));
    const fresh = fs.readFileSync(path.join(dir, 'API.md'), 'utf8');
    const committed = fs.existsSync(API_MD) ? fs.readFileSync(API_MD, 'utf8') : '';
    if (fresh !== committed) {
      const line = firstDifferentLine(committed, fresh);
      fail(
        `API.md is out of date with the jsii assembly (first difference at line ${line}): run npm run docgen`,
      );
    }
    console.log('API.md: current');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function firstDifferentLine(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i + 1;
}

function writeSmokeTest() {
  fs.mkdirSync(path.dirname(SMOKE), { recursive: true });
  fs.writeFileSync(SMOKE, pythonSmokeTest(fs.readFileSync(README, 'utf8')));
  console.log(`${path.relative(ROOT, SMOKE)}: written`);
}

function python3(args) {
  return spawnSync('python3', args, { cwd: ROOT, encoding: 'utf8' });
}

/** What can be checked of the generated packages without their registries. */
function checkPackages() {
  const expected = {
    python: ['python/setup.py', 'python/src/cdk_agent_identity/__init__.py'],
    java: ['java/pom.xml', 'java/src/main/java/io/github/cdkagentidentity/AgentIdentity.java'],
    dotnet: ['dotnet/CdkAgentIdentity/CdkAgentIdentity.csproj'],
    go: ['go/cdkagentidentity/go.mod', 'go/cdkagentidentity/AgentIdentity.go'],
  };
  for (const [target, files] of Object.entries(expected)) {
    for (const file of files) {
      if (!fs.existsSync(path.join(OUTDIR, file)))
        fail(`jsii-pacmak ${target}: dist-jsii/${file} was not generated`);
    }
  }
  console.log('jsii-pacmak: Python, Java, .NET and Go sources generated');
  // The README states what each generated package requires: keep it what pacmak wrote.
  const readme = fs.readFileSync(README, 'utf8');
  const stated = [
    [/"python_requires": ">=(\d+\.\d+)"/, 'python/setup.py', (v) => `Python ${v}+`],
    [/^go (\d+\.\d+)/m, 'go/cdkagentidentity/go.mod', (v) => `Go ${v}+`],
    [/<TargetFramework>(net[\d.]+)</, 'dotnet/CdkAgentIdentity/CdkAgentIdentity.csproj', (v) => `\`${v}\``],
  ];
  for (const [pattern, file, phrase] of stated) {
    const version = pattern.exec(fs.readFileSync(path.join(OUTDIR, file), 'utf8'))?.[1];
    if (!version) fail(`dist-jsii/${file}: no version found by ${pattern}`);
    if (!readme.includes(phrase(version))) {
      fail(
        `dist-jsii/${file} requires ${version}: README.md section "${SECTION}" must say ${phrase(version)}`,
      );
    }
  }
  if (python3(['--version']).status !== 0) {
    console.log('python3 not found: the generated Python and the smoke test were not compiled');
    return;
  }
  const start = Date.now();
  const compiled = python3(['-m', 'compileall', '-q', path.join(OUTDIR, 'python', 'src'), SMOKE]);
  if (compiled.status !== 0) fail(`python3 -m compileall:\n${compiled.stdout}${compiled.stderr}`);
  // The smoke test imports names from the package: each must be defined by the generated module.
  const init = path.join(OUTDIR, 'python', 'src', 'cdk_agent_identity', '__init__.py');
  const names = python3([
    '-c',
    [
      'import ast, sys',
      'smoke = ast.parse(open(sys.argv[1]).read())',
      'init = ast.parse(open(sys.argv[2]).read())',
      'defined = {n.name for n in init.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}',
      'wanted = [a.name for n in ast.walk(smoke) if isinstance(n, ast.ImportFrom) and n.module == "cdk_agent_identity" for a in n.names]',
      'missing = [w for w in wanted if w not in defined]',
      'print(" ".join(wanted)); sys.exit(1 if missing or not wanted else 0)',
    ].join('\n'),
    SMOKE,
    init,
  ]);
  if (names.status !== 0) {
    fail(
      `the smoke test imports names the generated Python module does not define:\n${names.stdout}${names.stderr}`,
    );
  }
  console.log(
    `python3: generated package and smoke test compile; imports found (${names.stdout.trim()}): ${seconds(start)}`,
  );
  const runtime = python3(['-c', 'import jsii']);
  if (runtime.status === 0) {
    console.log('the jsii Python runtime is installed: install the package to run the smoke test');
  } else {
    console.log('no jsii Python runtime here (PyPI): the smoke test runs where the package is installed');
  }
}

function pacmak() {
  // npm pack (run by jsii-pacmak) would rebuild through `prepack`; the assembly is current already.
  tool(
    'jsii-pacmak --code-only (python, java, dotnet, go)',
    'jsii-pacmak',
    [
      '--code-only',
      '--no-npmignore',
      '--rosetta-tablet',
      TABLET,
      '--targets',
      'python',
      'java',
      'dotnet',
      'go',
    ],
    { npm_config_ignore_scripts: 'true' },
  );
}

function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? path.resolve(args[i + 1]) : fallback;
}

function main(argv) {
  const [command, ...args] = argv;
  const start = Date.now();
  switch (command) {
    case 'docgen':
      ensureAssembly();
      docgen(API_MD);
      rosetta();
      checkReadme(README, TABLET, { write: true });
      break;
    case 'check':
      ensureAssembly();
      checkApiMd();
      rosetta();
      checkReadme(README, TABLET, { write: false });
      break;
    case 'smoke':
      ensureAssembly();
      ensureTablet();
      checkReadme(README, TABLET, { write: false });
      writeSmokeTest();
      break;
    case 'package':
      ensureAssembly();
      ensureTablet();
      checkReadme(README, TABLET, { write: false });
      pacmak();
      writeSmokeTest();
      checkPackages();
      break;
    case 'readme':
      checkReadme(option(args, '--readme', README), option(args, '--tablet', TABLET), { write: false });
      break;
    default:
      fail(
        'usage: node scripts/jsii-docs.mjs docgen|check|smoke|package|readme [--readme FILE] [--tablet FILE]',
      );
  }
  console.log(`jsii-docs ${command}: done in ${seconds(start)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    console.error(e.message);
    process.exitCode = 1;
  }
}
