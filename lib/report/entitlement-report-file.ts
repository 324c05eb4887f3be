import * as fs from 'fs';
import { EntitlementDiff } from './diff-entitlement-reports';
import {
  ENTITLEMENT_REPORT_SCHEMA_VERSION,
  EntitlementReportJson,
  READABLE_ENTITLEMENT_REPORT_SCHEMA_VERSIONS,
} from './entitlement-report-schema';

/**
 * A report file that cannot be used: unreadable, not JSON, or of another schema. Internal to
 * TypeScript (not in the jsii API): callers of `EntitlementReport.fromFile` / `fromJson` in any
 * language tell it by its `name`, `EntitlementReportError`.
 */
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
  'guardrailPins',
  'secrets',
  'otherPermissions',
  'denies',
  'managedPolicies',
  'auditTrails',
  'acknowledgedFindings',
];

/** Fields of an agent renamed in schema version 2, version-1 name → version-2 name. */
const RENAMED_IN_V2: ReadonlyArray<readonly [string, string]> = [
  ['guardrails', 'guardrailPins'],
  ['guardRails', 'permissionsGuardrails'],
  ['missingGuardRails', 'missingPermissionsGuardrails'],
];

/** Reads and checks an `agent-entitlements.json` file. */
export function readEntitlementReport(file: string): EntitlementReportJson {
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
export function parseEntitlementReport(text: string, source: string): EntitlementReportJson {
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
  if (!READABLE_ENTITLEMENT_REPORT_SCHEMA_VERSIONS.includes(obj.schemaVersion as number)) {
    throw new EntitlementReportError(
      `${source} has schemaVersion ${JSON.stringify(obj.schemaVersion)}, but this agent-identity reads schemaVersion ${READABLE_ENTITLEMENT_REPORT_SCHEMA_VERSIONS.join(' or ')}; ` +
        'regenerate both files with the same cdk-agent-identity version',
    );
  }
  if (!Array.isArray(obj.agents)) {
    throw new EntitlementReportError(`${source} is not an entitlement report: "agents" must be a list`);
  }
  const v1 = obj.schemaVersion === 1;
  obj.agents = obj.agents.map((agent: unknown, i: number) => {
    let a = agent as Record<string, unknown> | null;
    if (!a || typeof a !== 'object' || typeof a.agentName !== 'string') {
      throw new EntitlementReportError(`${source}: agents[${i}] has no agentName`);
    }
    if (v1) a = upgradeAgentFromV1(a, `${source}: agents[${i}] (${a.agentName})`);
    for (const list of AGENT_LISTS) {
      if (!Array.isArray(a[list])) {
        throw new EntitlementReportError(`${source}: agents[${i}] (${a.agentName}) has no "${list}" list`);
      }
    }
    return a;
  });
  if (!Array.isArray(obj.acknowledgements)) obj.acknowledgements = [];
  // a version-1 file is read as the version-2 report it would be today: same content, new names
  obj.schemaVersion = ENTITLEMENT_REPORT_SCHEMA_VERSION;
  return obj as unknown as EntitlementReportJson;
}

/** A version-1 agent with its fields renamed, in the same order (the only change between versions 1 and 2). */
function upgradeAgentFromV1(agent: Record<string, unknown>, where: string): Record<string, unknown> {
  const renamed = new Map(RENAMED_IN_V2);
  for (const to of renamed.values()) {
    if (to in agent) {
      throw new EntitlementReportError(
        `${where} has "${to}", a field of schemaVersion ${ENTITLEMENT_REPORT_SCHEMA_VERSION}, in a schemaVersion 1 file`,
      );
    }
  }
  return Object.fromEntries(Object.entries(agent).map(([key, value]) => [renamed.get(key) ?? key, value]));
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
