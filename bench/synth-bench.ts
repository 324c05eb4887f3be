/**
 * Synth benchmark: the library against plain aws-cdk-lib, each measurement in a fresh process,
 * library and plain runs alternating. Prints median wall time, the library/plain ratio, IAM
 * resources and template bytes per agent, and peak RSS — without and with the check packs.
 *
 *   npx ts-node --transpile-only bench/synth-bench.ts [--sizes 50,200,1000,2000] [--runs 3]
 *                                                     [--check-sizes 50,200 | --no-checks]
 *
 * With checks, AwsSolutions (and for the library AgentIdentityChecks) run as validation plugins;
 * the bench app's demo stores do not pass them, so synth reports findings — the time still counts.
 *
 * It compiles lib/ and bench/ first (tsc → dist-bench/) so that both variants run as plain JavaScript.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

interface Sample {
  mode: string;
  agents: number;
  checks: boolean;
  ms: number;
  resources: number;
  iamResources: number;
  bytes: number;
  rssMb: number;
  failed?: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const root = path.resolve(__dirname, '..');
const sizes = arg('sizes', '50,200,1000,2000').split(',').map(Number);
const runs = Number(arg('runs', '3'));
const checkSizes = process.argv.includes('--no-checks')
  ? []
  : arg('check-sizes', '50,200').split(',').map(Number);

function run(mode: string, agents: number, checks: boolean): Sample {
  const out = execFileSync(
    process.execPath,
    [
      '--max-old-space-size=4096',
      path.join(root, 'dist-bench/bench/synth-one.js'),
      mode,
      String(agents),
      checks ? 'checks' : '',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number, d = 0) => x.toFixed(d);

function main(): void {
  process.stderr.write('compiling (tsc) ...\n');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'bench')],
    {
      stdio: 'inherit',
    },
  );
  const rows: string[] = [];
  for (const checks of [false, true]) {
    for (const n of checks ? checkSizes : sizes) {
      const samples: Record<string, Sample[]> = { library: [], plain: [] };
      for (let r = 0; r < runs; r++) {
        for (const mode of r % 2 === 0 ? ['library', 'plain'] : ['plain', 'library']) {
          const s = run(mode, n, checks);
          samples[mode].push(s);
          process.stderr.write(
            `  ${mode} n=${n}${checks ? ' +checks' : ''} run ${r + 1}: ${fmt(s.ms)} ms${s.failed ? ` (synth reported: ${s.failed})` : ''}\n`,
          );
        }
      }
      const lib = samples.library;
      const plain = samples.plain;
      const libMs = median(lib.map((s) => s.ms));
      const plainMs = median(plain.map((s) => s.ms));
      rows.push(
        [
          n,
          checks ? 'yes' : 'no',
          fmt(libMs),
          fmt(plainMs),
          fmt(libMs / plainMs, 2),
          fmt(lib[0].iamResources / n, 2),
          fmt(plain[0].iamResources / n, 2),
          fmt(lib[0].bytes / n),
          fmt(plain[0].bytes / n),
          fmt(Math.max(...lib.map((s) => s.rssMb))),
          fmt(Math.max(...plain.map((s) => s.rssMb))),
        ].join(' | '),
      );
    }
  }
  // The reference app of bin/ with and without AwsSolutions + NIST 800-53 R5 + AgentIdentityChecks.
  const reference = (checks: boolean) =>
    median(Array.from({ length: runs }, () => run('reference', 1, checks).ms));
  const bare = reference(false);
  const checked = reference(true);
  process.stderr.write(`  reference app: ${fmt(bare)} ms, with the three packs ${fmt(checked)} ms\n`);
  const header =
    'agents | checks | library ms | plain ms | ratio | IAM res/agent (lib) | IAM res/agent (plain) | bytes/agent (lib) | bytes/agent (plain) | peak RSS MB (lib) | peak RSS MB (plain)';
  process.stdout.write(
    `\n| ${header} |\n|${header
      .split('|')
      .map(() => ' --- ')
      .join('|')}|\n`,
  );
  for (const row of rows) process.stdout.write(`| ${row} |\n`);
  process.stdout.write(
    `\nReference app (bin/): ${fmt(bare)} ms without checks, ${fmt(checked)} ms with AwsSolutions + NIST 800-53 R5 + AgentIdentityChecks (+${fmt(checked - bare)} ms, ${fmt(checked / bare, 2)}x)\n`,
  );
}

main();
