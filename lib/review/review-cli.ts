import { IAMClient } from '@aws-sdk/client-iam';
import { parseArgs } from 'util';
import { reviewAgentRoles } from './access-review';
import {
  errorMessage,
  MissingPermissionsError,
  REVIEW_REQUIRED_ACTIONS,
  ReviewExitCode,
} from './review-errors';
import { formatReview, ReviewFormat } from './review-format';

/** How the CLI configures its IAM client. */
export interface ReviewClientSettings {
  /** The region from `--region`; undefined lets the SDK resolve it (AWS_REGION, profile). */
  readonly region?: string;
  /** Attempts per call, including the first, made by the SDK's retry strategy. */
  readonly maxAttempts: number;
  /** The SDK retry mode: `adaptive` adds client-side rate limiting on top of standard retries. */
  readonly retryMode: string;
}

/** What {@link runReviewCli} talks to; every member is injectable so tests run offline and instantly. */
export interface ReviewCliDependencies {
  /**
   * Builds the IAM client.
   * @default (settings) => new IAMClient(settings)
   */
  readonly createClient?: (settings: ReviewClientSettings) => IAMClient;
  /**
   * The current time (staleness is measured from it).
   * @default () => new Date()
   */
  readonly now?: () => Date;
  /**
   * Waits the given milliseconds (job polling, throttling backoff).
   * @default setTimeout
   */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Receives the report.
   * @default process.stdout.write
   */
  readonly stdout?: (text: string) => void;
  /**
   * Receives progress, warnings and errors.
   * @default process.stderr.write
   */
  readonly stderr?: (text: string) => void;
}

/** Attempts per IAM call made by the SDK itself (IAM's control plane throttles large accounts). */
export const REVIEW_SDK_MAX_ATTEMPTS = 8;

/** The `--help` text. */
export const REVIEW_USAGE = `usage: agent-identity review [options]

Lists every IAM role tagged ai:agent in the account of your AWS credentials and reports, per agent:
role name and ARN, the ai:agent / ai:tenant / ai:owner / ai:clearance tags, when the role was last
used, which granted services it has not used within --unused-days, and whether it is stale (never
used, or last used before the threshold). Evidence for a quarterly access review.

options:
  --region <region>            region for the IAM client (IAM is global; the region picks the
                               partition). Default: AWS_REGION or the profile's region
  --unused-days <n>            days without use after which an agent or service counts as unused
                               (default 90, at most 400: IAM tracks use for the trailing 400 days)
  --format md|csv|json         report format on stdout (default md)
  --max-wait-seconds <n>       how long to wait per role for IAM's service-last-accessed job
                               before reporting it as timed out (default 120)
  --path-prefix </path/>       only review roles under this IAM path (default /)
  --concurrency <n>            roles inspected in parallel, 1-16 (default 4)
  -h, --help                   show this help

The report goes to stdout; progress and warnings go to stderr.
Permissions needed: ${REVIEW_REQUIRED_ACTIONS.join(', ')}
(the AWS managed policy IAMAccessAdvisorReadOnly grants them).

exit codes: 0 report written, 1 unexpected error, 2 access denied or no credentials, 64 bad arguments
`;

/**
 * Runs `agent-identity review`. `argv` holds the arguments after `review` (a leading `review` is
 * ignored). Returns the exit code; never calls `process.exit`.
 */
export async function runReviewCli(argv: string[], deps: ReviewCliDependencies = {}): Promise<number> {
  const stdout = deps.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = deps.stderr ?? ((text: string) => void process.stderr.write(text));
  const args = argv[0] === 'review' ? argv.slice(1) : argv;

  let options: CliOptions;
  try {
    options = parseCli(args);
  } catch (error) {
    stderr(`agent-identity review: ${errorMessage(error)}\nrun "agent-identity review --help" for usage\n`);
    return ReviewExitCode.USAGE;
  }
  if (options.help) {
    stdout(REVIEW_USAGE);
    return ReviewExitCode.OK;
  }

  const createClient = deps.createClient ?? ((settings: ReviewClientSettings) => new IAMClient(settings));
  const client = createClient({
    region: options.region,
    maxAttempts: REVIEW_SDK_MAX_ATTEMPTS,
    retryMode: 'adaptive',
  });
  try {
    const report = await reviewAgentRoles(client, {
      unusedDays: options.unusedDays,
      maxWaitSeconds: options.maxWaitSeconds,
      pathPrefix: options.pathPrefix,
      concurrency: options.concurrency,
      now: deps.now,
      sleep: deps.sleep,
      onProgress: (message) => stderr(`agent-identity review: ${message}\n`),
    });
    stdout(formatReview(report, options.format));
    const s = report.summary;
    stderr(
      `agent-identity review: ${s.agents} agents, ${s.stale} stale, ${s.withUnusedServices} with unused services` +
        (s.incompleteAccessAdvisor > 0
          ? `; WARNING: service-last-accessed data incomplete for ${s.incompleteAccessAdvisor} (see report)`
          : '') +
        '\n',
    );
    return ReviewExitCode.OK;
  } catch (error) {
    if (error instanceof MissingPermissionsError) {
      stderr(`agent-identity review: ${error.message}\n`);
      return ReviewExitCode.ACCESS_DENIED;
    }
    if (/region is missing/i.test(errorMessage(error))) {
      stderr(
        'agent-identity review: no AWS region configured; pass --region (IAM is global, so any region of ' +
          'your partition works, e.g. --region us-east-1) or set AWS_REGION\n',
      );
      return ReviewExitCode.USAGE;
    }
    stderr(`agent-identity review: failed: ${errorMessage(error)}\n`);
    return ReviewExitCode.FAILED;
  } finally {
    client.destroy?.();
  }
}

interface CliOptions {
  readonly help: boolean;
  readonly region?: string;
  readonly unusedDays: number;
  readonly format: string;
  readonly maxWaitSeconds: number;
  readonly pathPrefix: string;
  readonly concurrency: number;
}

function parseCli(args: string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      region: { type: 'string' },
      'unused-days': { type: 'string' },
      format: { type: 'string' },
      'max-wait-seconds': { type: 'string' },
      'path-prefix': { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  if (positionals.length > 0) {
    throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}; review takes options only`);
  }
  const format = values.format ?? ReviewFormat.MARKDOWN;
  if (!ReviewFormat.ALL.includes(format)) {
    throw new Error(`--format must be one of ${ReviewFormat.ALL.join(', ')}, got ${JSON.stringify(format)}`);
  }
  const region = values.region;
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new Error(`--region must be a region code such as us-east-1, got ${JSON.stringify(region)}`);
  }
  const pathPrefix = values['path-prefix'] ?? '/';
  if (!/^\/([\x21-\x7e]*\/)?$/.test(pathPrefix)) {
    throw new Error(
      `--path-prefix must start and end with "/" (e.g. /agents/), got ${JSON.stringify(pathPrefix)}`,
    );
  }
  return {
    help: values.help ?? false,
    region,
    format,
    pathPrefix,
    unusedDays: integer('--unused-days', values['unused-days'], 90, 1, 400),
    maxWaitSeconds: integer('--max-wait-seconds', values['max-wait-seconds'], 120, 1, 3600),
    concurrency: integer('--concurrency', values.concurrency, 4, 1, 16),
  };
}

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new Error(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}
