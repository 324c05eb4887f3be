import { IAMClient } from '@aws-sdk/client-iam';
import { parseArgs } from 'util';
import { EntitlementReportError, readEntitlementReport } from '../report/entitlement-report-file';
import { errorMessage, isAccessDenied, isCredentialsProblem } from '../review/review-errors';
import { AGENT_NAME_PATTERN } from '../shared/tag-values';
import { AgentRevocation } from './agent-revocation';
import {
  executeRevocation,
  isPlaceholderRoleName,
  planRevocation,
  resolvePlaceholders,
  REVOKE_REQUIRED_ACTIONS,
  RevocationAccessError,
  RevocationInputError,
  RevocationResult,
  RevocationSelector,
  RevocationTarget,
  targetsFromAccount,
  targetsFromReport,
} from './revoke-agents';

/** Exit codes of `agent-identity revoke`. */
export class RevokeExitCode {
  /** Every agent was revoked (or restored), or the dry run printed its plan. */
  public static readonly OK = 0;
  /** At least one call failed: the output says per agent what was and was not done. */
  public static readonly INCOMPLETE = 1;
  /** Bad input (unknown agent, missing reason, bad option) or no usable credentials; nothing was changed. */
  public static readonly USAGE = 2;

  private constructor() {}
}

/** What {@link runRevokeCli} talks to; every member is injectable so tests run offline. */
export interface RevokeCliDependencies {
  /**
   * Builds the IAM client.
   * @default (settings) => new IAMClient(settings)
   */
  readonly createClient?: (settings: {
    region?: string;
    maxAttempts: number;
    retryMode: string;
  }) => IAMClient;
  /**
   * The current time: the revocation time.
   * @default () => new Date()
   */
  readonly now?: () => Date;
  /**
   * Receives the result.
   * @default process.stdout.write
   */
  readonly stdout?: (text: string) => void;
  /**
   * Receives errors.
   * @default process.stderr.write
   */
  readonly stderr?: (text: string) => void;
}

/** The `--help` text. */
export const REVOKE_USAGE = `usage: agent-identity revoke (<agent> | --tenant <tenant> | --fleet) --reason "<why>" [options]

Cuts an agent off at once, without a redeploy: every existing session is denied (AWS's
revoke-older-sessions deny on aws:TokenIssueTime), sessions issued later are denied too, and the
agent's AgentCore token-vault access (workload access tokens, OAuth2 tokens, API keys) is denied.
It writes the inline policy ${AgentRevocation.POLICY_NAME} and the tags ${AgentRevocation.REVOKED_TAG} /
${AgentRevocation.REASON_TAG} on each agent role; --undo removes them. A later cdk deploy does not lift it.

options:
  --reason "<why>"     required: recorded in the ${AgentRevocation.REASON_TAG} tag and in CloudTrail
  --tenant <tenant>    every agent of the tenant (ai:tenant)
  --fleet              every agent (every role tagged ai:agent)
  --report <file>      read the agents' roles from agent-entitlements.json (offline); without it the
                       roles are looked up by their ai:agent tag (iam:ListRoles, iam:ListRoleTags)
  --undo               remove the revocation
  --dry-run            print every call it would make, with the policy document; change nothing
  --json               print JSON instead of text
  --region <region>    region for the IAM client (IAM is global; the region picks the partition)
  -h, --help           show this help

Permissions needed: ${REVOKE_REQUIRED_ACTIONS.join(', ')}.
Tokens the token vault already handed out (e.g. an OAuth2 access token) stay valid at the third
party until they expire; revoke them there if the agent is compromised.

exit codes: 0 done (or planned with --dry-run), 1 incomplete (see the output: what was and was not
done; safe to re-run), 2 bad input or no usable credentials (nothing changed)
`;

/**
 * Runs `agent-identity revoke`. `argv` holds the arguments after `revoke`. Returns the exit code;
 * never calls `process.exit`.
 */
export async function runRevokeCli(argv: string[], deps: RevokeCliDependencies = {}): Promise<number> {
  const stdout = deps.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = deps.stderr ?? ((text: string) => void process.stderr.write(text));
  const fail = (message: string): number => {
    stderr(`agent-identity revoke: ${message}\nrun "agent-identity revoke --help" for usage\n`);
    return RevokeExitCode.USAGE;
  };

  let options: RevokeOptions;
  try {
    options = parseCli(argv);
  } catch (error) {
    return fail(errorMessage(error));
  }
  if (options.help) {
    stdout(REVOKE_USAGE);
    return RevokeExitCode.OK;
  }
  const revokedAt = (deps.now ?? (() => new Date()))();
  const createClient =
    deps.createClient ??
    ((settings: { region?: string; maxAttempts: number; retryMode: string }) => new IAMClient(settings));
  let client: IAMClient | undefined;
  const iam = (): IAMClient =>
    (client ??= createClient({ region: options.region, maxAttempts: 8, retryMode: 'adaptive' }));

  try {
    let targets: RevocationTarget[];
    try {
      if (options.report !== undefined) {
        targets = targetsFromReport(readEntitlementReport(options.report), options.selector);
        if (!options.dryRun) targets = await resolvePlaceholders(iam(), targets);
      } else {
        targets = await targetsFromAccount(iam(), options.selector);
      }
    } catch (error) {
      if (
        error instanceof RevocationInputError ||
        error instanceof RevocationAccessError ||
        error instanceof EntitlementReportError
      ) {
        return fail(error.message);
      }
      if (
        isCredentialsProblem(error) ||
        isAccessDenied(error) ||
        /region is missing/i.test(errorMessage(error))
      ) {
        return fail(
          `cannot reach IAM: ${errorMessage(error)} (set AWS credentials and --region or AWS_REGION)`,
        );
      }
      throw error;
    }

    const runOptions = { undo: options.undo, reason: options.reason, revokedAt };
    if (options.dryRun) {
      const calls = planRevocation(targets, runOptions);
      const unresolved = targets.filter((t) => isPlaceholderRoleName(t.roleName)).map((t) => t.agentName);
      const plan = {
        dryRun: true,
        operation: options.undo ? 'undo' : 'revoke',
        reason: options.reason,
        revokedAt: options.undo ? undefined : AgentRevocation.timestamp(revokedAt),
        agents: targets,
        calls,
        ...(unresolved.length > 0
          ? {
              unresolvedRoleNames: unresolved,
              note: 'these roles have names CloudFormation generates; the run resolves them by their ai:agent tag',
            }
          : {}),
      };
      stdout(options.json ? `${JSON.stringify(plan, undefined, 2)}\n` : formatPlan(plan.calls, unresolved));
      return RevokeExitCode.OK;
    }

    const result = await executeRevocation(iam(), targets, runOptions);
    stdout(options.json ? `${JSON.stringify(result, undefined, 2)}\n` : formatResult(result));
    if (!result.complete) {
      stderr(
        'agent-identity revoke: INCOMPLETE: not every call succeeded (see above for what was and was not done); ' +
          'fix the cause and re-run the same command (it is safe to repeat)\n',
      );
      return RevokeExitCode.INCOMPLETE;
    }
    return RevokeExitCode.OK;
  } finally {
    client?.destroy?.();
  }
}

interface RevokeOptions {
  readonly help: boolean;
  readonly selector: RevocationSelector;
  readonly reason: string;
  readonly report?: string;
  readonly undo: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly region?: string;
}

function parseCli(args: string[]): RevokeOptions {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      tenant: { type: 'string' },
      fleet: { type: 'boolean' },
      reason: { type: 'string' },
      report: { type: 'string' },
      undo: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      region: { type: 'string' },
    },
  });
  if (values.help) return { help: true, selector: {}, reason: '', undo: false, dryRun: false, json: false };
  if (positionals.length > 1) {
    throw new Error(
      `expected at most one agent name, got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`,
    );
  }
  const agentName = positionals[0];
  const selectors = [agentName !== undefined, values.tenant !== undefined, values.fleet === true];
  if (selectors.filter(Boolean).length !== 1) {
    throw new Error('name exactly one of: an agent (positional), --tenant <tenant>, or --fleet');
  }
  if (agentName !== undefined && !AGENT_NAME_PATTERN.test(agentName)) {
    throw new Error(
      `agent name ${JSON.stringify(agentName)} is not an agent name ([a-z0-9-], as in the ai:agent tag)`,
    );
  }
  if (values.tenant !== undefined && values.tenant.trim() === '')
    throw new Error('--tenant needs a tenant name');
  const reason = (values.reason ?? '').trim();
  if (reason === '') {
    throw new Error('--reason "<why>" is required: it is recorded on the role and in CloudTrail');
  }
  const region = values.region;
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new Error(`--region must be a region code such as us-east-1, got ${JSON.stringify(region)}`);
  }
  return {
    help: false,
    selector: { agentName, tenant: values.tenant, fleet: values.fleet === true ? true : undefined },
    reason,
    report: values.report,
    undo: values.undo ?? false,
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
    region,
  };
}

function formatPlan(calls: ReturnType<typeof planRevocation>, unresolved: string[]): string {
  const lines = ['dry run: these calls would be made (nothing was changed):'];
  for (const c of calls) lines.push(`  ${c.action} ${JSON.stringify(c.parameters)}`);
  if (unresolved.length > 0) {
    lines.push(`role names resolved at run time by the ai:agent tag for: ${unresolved.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatResult(result: RevocationResult): string {
  const lines = [
    `${result.operation} (reason: ${result.reason})${result.revokedAt ? ` at ${result.revokedAt}` : ''}:`,
  ];
  for (const a of result.agents) {
    lines.push(`  ${a.agentName} (role ${a.roleName}): ${a.status.toUpperCase()}: ${a.state}`);
    if (a.done.length > 0) lines.push(`    done: ${a.done.join(', ')}`);
    for (const f of a.failed) lines.push(`    failed: ${f.action}: ${f.error}`);
    if (a.notAttempted.length > 0) lines.push(`    not attempted: ${a.notAttempted.join(', ')}`);
  }
  const ok = result.agents.filter((a) => a.status === 'revoked' || a.status === 'restored').length;
  lines.push(
    `${ok} of ${result.agents.length} agents ${result.operation === 'undo' ? 'restored' : 'revoked'}`,
  );
  return `${lines.join('\n')}\n`;
}
