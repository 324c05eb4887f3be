#!/usr/bin/env node
/**
 * `agent-identity` — command line of cdk-agent-identity.
 *
 *   agent-identity diff <baseline.json> <new.json> [--format text|json]
 *   agent-identity review ...            (live access review, see `agent-identity review --help`)
 *
 * Exit codes of `diff`: 0 access did not widen, 1 access widened, 2 usage or input error.
 * Only Node built-ins are used for argument parsing; the diff itself lives in lib/report.
 *
 * `review` and `revoke` call AWS IAM through `@aws-sdk/client-iam`, which is not a dependency of the
 * construct library (it would ride along into every CDK app): they load it on use and, when it is
 * not installed, say what to install and exit 2 without calling anything.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { diffEntitlementReports } from '../lib/report/diff-entitlement-reports';
import {
  EntitlementReportError,
  formatEntitlementDiff,
  readEntitlementReport,
} from '../lib/report/entitlement-report-file';

/** Where the CLI writes; tests pass their own. */
export interface CliOutput {
  /** Normal output. */
  stdout(text: string): void;
  /** Errors and progress. */
  stderr(text: string): void;
}

export const USAGE = `usage: agent-identity <command> [options]

commands:
  diff <baseline.json> <new.json>   compare two agent-entitlements.json files; exit 1 when access widened
  review [options]                  review agent roles of a live AWS account (see: agent-identity review --help)
  revoke <agent> --reason "..."     cut an agent off at once; --undo restores (see: agent-identity revoke --help)

options:
  -h, --help                        show this help
  -v, --version                     print the version of cdk-agent-identity
`;

export const DIFF_USAGE = `usage: agent-identity diff <baseline.json> <new.json> [--format text|json]

Compares two agent-entitlements.json files (written into the cloud assembly by every cdk synth
when AgentEntitlementReport is registered) and prints what changed per agent.

Widening: a new agent, data store, action, model, secret or permission; a new trust principal or
looser trust / grant conditions; a higher clearance; a removed tenant; a longer session; a removed
permissions guardrail, boundary or guardrail pin; lost audit coverage or secret rotation; a new
acknowledged finding.

Reads report schemaVersion 1 and 2 (version 1 is compared as the version 2 it becomes), so a
baseline written before an upgrade still compares with a new report.

options:
  --format text|json   output format (default: text)
  -h, --help           show this help

exit codes:
  0  access did not widen (unchanged or only narrowed)
  1  access widened
  2  usage error, unreadable file, invalid JSON or unsupported schemaVersion
`;

const EXIT_OK = 0;
const EXIT_WIDENED = 1;
const EXIT_USAGE = 2;

/** The AWS SDK client the `review` and `revoke` commands need; installed separately from the library. */
export const CLI_SDK_PACKAGE = '@aws-sdk/client-iam';

const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], out: CliOutput = processOutput): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    out.stderr(USAGE);
    return EXIT_USAGE;
  }
  if (command === '-h' || command === '--help' || command === 'help') {
    out.stdout(USAGE);
    return EXIT_OK;
  }
  if (command === '-v' || command === '--version' || command === 'version') {
    out.stdout(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  if (command === 'diff') return diff(rest, out);
  if (command === 'review') return review(rest, out);
  if (command === 'revoke') return revoke(rest, out);
  out.stderr(`agent-identity: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  return EXIT_USAGE;
}

/** The version in this package's package.json (found from bin/ in the sources and dist/bin/ in the package). */
export function packageVersion(): string {
  const json = packageJson();
  return json ? String(json.version) : 'unknown';
}

/** This package's package.json, found from bin/ in the sources and dist/bin/ in the package. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function packageJson(): any {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const json = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (json.name === 'cdk-agent-identity') return json;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function diff(argv: string[], out: CliOutput): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { help: { type: 'boolean', short: 'h' }, format: { type: 'string' } },
    });
  } catch (e) {
    out.stderr(`agent-identity diff: ${(e as Error).message}\n\n${DIFF_USAGE}`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    out.stdout(DIFF_USAGE);
    return EXIT_OK;
  }
  const format = parsed.values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    out.stderr(`agent-identity diff: --format must be text or json, got ${JSON.stringify(format)}\n`);
    return EXIT_USAGE;
  }
  if (parsed.positionals.length !== 2) {
    out.stderr(
      `agent-identity diff: expected two files (baseline and new), got ${parsed.positionals.length}\n\n${DIFF_USAGE}`,
    );
    return EXIT_USAGE;
  }
  const [baselineFile, currentFile] = parsed.positionals;
  let result;
  try {
    result = diffEntitlementReports(readEntitlementReport(baselineFile), readEntitlementReport(currentFile));
  } catch (e) {
    if (e instanceof EntitlementReportError) {
      out.stderr(`agent-identity diff: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  out.stdout(format === 'json' ? `${JSON.stringify(result, undefined, 2)}\n` : formatEntitlementDiff(result));
  return result.widened ? EXIT_WIDENED : EXIT_OK;
}

async function review(argv: string[], out: CliOutput): Promise<number> {
  let runReviewCli: ((args: string[]) => Promise<number>) | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    runReviewCli = require('../lib/review/review-cli').runReviewCli;
  } catch (e) {
    out.stderr(
      isMissing(e, CLI_SDK_PACKAGE)
        ? sdkMissing('review')
        : `agent-identity review: the review module could not be loaded: ${(e as Error).message}\n`,
    );
    return EXIT_USAGE;
  }
  if (typeof runReviewCli !== 'function') {
    out.stderr('agent-identity review: not available in this build of cdk-agent-identity\n');
    return EXIT_USAGE;
  }
  return runReviewCli(argv);
}

async function revoke(argv: string[], out: CliOutput): Promise<number> {
  let runRevokeCli: (args: string[], out: CliOutput) => Promise<number>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    runRevokeCli = require('../lib/operations/revoke-cli').runRevokeCli;
  } catch (e) {
    if (!isMissing(e, CLI_SDK_PACKAGE)) throw e;
    out.stderr(sdkMissing('revoke'));
    return EXIT_USAGE;
  }
  return runRevokeCli(argv, out);
}

/** Whether `error` is Node's "Cannot find module" for `pkg` itself (not for a module inside it). */
function isMissing(error: unknown, pkg: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return e?.code === 'MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.includes(`'${pkg}'`);
}

/** What to install, with the version range this release is tested with. */
function sdkMissing(command: string): string {
  return (
    `agent-identity ${command}: this command calls AWS IAM through ${CLI_SDK_PACKAGE}, which is not installed ` +
    `(the construct library does not depend on it, so it stays out of your CDK app). Install it next to ` +
    `cdk-agent-identity, then run the command again:\n\n  npm install --save-dev ${CLI_SDK_PACKAGE}@${testedRange(CLI_SDK_PACKAGE)}\n`
  );
}

/** The version range of `pkg` this package is built and tested with (its devDependency), or `^3`. */
function testedRange(pkg: string): string {
  const json = packageJson();
  const range = json?.devDependencies?.[pkg] ?? json?.dependencies?.[pkg];
  return typeof range === 'string' && /^[\^~]?\d+(\.\d+)*$/.test(range) ? range : '^3';
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`agent-identity: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
