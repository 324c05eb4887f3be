import * as fs from 'fs';
import { EntitlementDiff } from './diff-entitlement-reports';
import { ENTITLEMENT_REPORT_SCHEMA_VERSION, EntitlementReport } from './entitlement-report-schema';

/** A report file that cannot be used: unreadable, not JSON, or of another schema. */
export class EntitlementReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EntitlementReportError';
  }
}

const AGENT_LISTS = [
  'runtime',
  'trust',
  'dataStores',
  'models',
  'guardrails',
  'secrets',
  'otherPermissions',
  'denies',
  'managedPolicies',
  'auditTrails',
  'acknowledgedFindings',
];

/** Reads and checks an `agent-entitlements.json` file. */
export function readEntitlementReport(file: string): EntitlementReport {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new EntitlementReportError(`cannot read ${file}: ${why}`);
  }
  return parseEntitlementReport(text, file);
}

/** Parses and checks the text of an `agent-entitlements.json`; `source` names it in errors. */
export function parseEntitlementReport(text: string, source: string): EntitlementReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new EntitlementReportError(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new EntitlementReportError(`${source} is not an entitlement report: expected a JSON object`);
  }
  const obj = data as Record<string, unknown>;
  if (obj.schemaVersion === undefined) {
    throw new EntitlementReportError(
      `${source} has no schemaVersion; is it an agent-entitlements.json written by cdk synth (cdk.out/agent-entitlements.json)?`,
    );
  }
  if (obj.schemaVersion !== ENTITLEMENT_REPORT_SCHEMA_VERSION) {
    throw new EntitlementReportError(
      `${source} has schemaVersion ${JSON.stringify(obj.schemaVersion)}, but this agent-identity reads schemaVersion ${ENTITLEMENT_REPORT_SCHEMA_VERSION}; ` +
        'regenerate both files with the same cdk-agent-identity version',
    );
  }
  if (!Array.isArray(obj.agents)) {
    throw new EntitlementReportError(`${source} is not an entitlement report: "agents" must be a list`);
  }
  obj.agents.forEach((agent: unknown, i: number) => {
    const a = agent as Record<string, unknown> | null;
    if (!a || typeof a !== 'object' || typeof a.agentName !== 'string') {
      throw new EntitlementReportError(`${source}: agents[${i}] has no agentName`);
    }
    for (const list of AGENT_LISTS) {
      if (!Array.isArray(a[list])) {
        throw new EntitlementReportError(`${source}: agents[${i}] (${a.agentName}) has no "${list}" list`);
      }
    }
  });
  if (!Array.isArray(obj.acknowledgements)) obj.acknowledgements = [];
  return obj as unknown as EntitlementReport;
}

/** The diff as text for a terminal or a CI log. */
export function formatEntitlementDiff(diff: EntitlementDiff): string {
  if (diff.changes.length === 0) return 'No entitlement changed.\n';
  const lines: string[] = [];
  let agent: string | undefined;
  for (const c of diff.changes) {
    if (c.agent !== agent) {
      agent = c.agent;
      lines.push(`agent ${agent}`);
    }
    lines.push(`  ${c.widened ? 'WIDENED ' : 'ok      '} ${c.kind}: ${c.description}`);
  }
  const widened = diff.changes.filter((c) => c.widened);
  const agents = new Set(widened.map((c) => c.agent));
  lines.push('');
  lines.push(
    widened.length > 0
      ? `Access widened: ${widened.length} change(s) for ${agents.size} agent(s). Review them, then commit the new report as the baseline.`
      : `Access did not widen (${diff.changes.length} change(s), none widening).`,
  );
  return `${lines.join('\n')}\n`;
}
