/**
 * One benchmark measurement in a fresh process: builds and synthesizes the app, then prints a
 * JSON line with wall time, CloudFormation resources, template bytes and peak RSS.
 * Usage: node dist/bench/synth-one.js <library|plain> <agents> [checks]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BenchMode, buildBenchApp } from './bench-app';

function main(): void {
  const [mode, agentsArg, checksArg] = process.argv.slice(2);
  const agents = Number(agentsArg);
  if (!['library', 'plain', 'reference'].includes(mode) || !Number.isInteger(agents) || agents < 1) {
    process.stderr.write('usage: synth-one <library|plain|reference> <agents> [checks]\n');
    process.exit(64);
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-bench-'));
  const start = process.hrtime.bigint();
  let failed: string | undefined;
  try {
    buildBenchApp({ mode: mode as BenchMode, agents, checks: checksArg === 'checks', outdir }).synth();
  } catch (e) {
    failed = (e as Error).message.split('\n')[0];
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  let resources = 0;
  let iamResources = 0;
  let bytes = 0;
  for (const f of fs.readdirSync(outdir).filter((x) => x.endsWith('.template.json'))) {
    const text = fs.readFileSync(path.join(outdir, f), 'utf8');
    bytes += Buffer.byteLength(JSON.stringify(JSON.parse(text)));
    const all = Object.values<{ Type: string }>(JSON.parse(text).Resources ?? {});
    resources += all.length;
    iamResources += all.filter((r) => r.Type.startsWith('AWS::IAM::')).length;
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    JSON.stringify({
      mode,
      agents,
      checks: checksArg === 'checks',
      ms,
      resources,
      iamResources,
      bytes,
      rssMb,
      failed,
    }) + '\n',
  );
}

main();
