import { AccessAdvisorStatus, AccessReviewReport, AgentRoleReview } from './access-review';

/** Output formats of the access review. */
export class ReviewFormat {
  /** A Markdown page: summary plus one table row per agent. */
  public static readonly MARKDOWN = 'md';
  /** RFC 4180 CSV (CRLF line ends, quoted fields), one row per agent, for spreadsheets. */
  public static readonly CSV = 'csv';
  /** The full {@link AccessReviewReport} as JSON. */
  public static readonly JSON = 'json';
  /** Every accepted format. */
  public static readonly ALL: readonly string[] = [
    ReviewFormat.MARKDOWN,
    ReviewFormat.CSV,
    ReviewFormat.JSON,
  ];

  private constructor() {}
}

/** Renders a review in one of the {@link ReviewFormat} formats. */
export function formatReview(report: AccessReviewReport, format: string): string {
  switch (format) {
    case ReviewFormat.MARKDOWN:
      return toMarkdown(report);
    case ReviewFormat.CSV:
      return toCsv(report);
    case ReviewFormat.JSON:
      return JSON.stringify(report, null, 2) + '\n';
    default:
      throw new Error(
        `unknown review format ${JSON.stringify(format)}; use one of ${ReviewFormat.ALL.join(', ')}`,
      );
  }
}

/** CSV columns, in order, with how each is read from a review. */
const CSV_COLUMNS: [string, (a: AgentRoleReview) => string][] = [
  ['agent', (a) => a.agentName],
  ['role_name', (a) => a.roleName],
  ['role_arn', (a) => a.roleArn],
  ['tenant', (a) => a.tenant ?? ''],
  ['owner', (a) => a.owner ?? ''],
  ['clearance', (a) => a.clearance ?? ''],
  ['created_at', (a) => a.createdAt ?? ''],
  ['last_used_at', (a) => a.lastUsedAt ?? ''],
  ['last_used_region', (a) => a.lastUsedRegion ?? ''],
  ['days_since_last_use', (a) => (a.daysSinceLastUse === undefined ? '' : String(a.daysSinceLastUse))],
  ['stale', (a) => (a.stale ? 'true' : 'false')],
  ['stale_reason', (a) => a.staleReason ?? ''],
  [
    'services_granted',
    (a) =>
      a.accessAdvisor.status === AccessAdvisorStatus.COMPLETED ? String(a.accessAdvisor.services.length) : '',
  ],
  ['unused_services', (a) => a.accessAdvisor.unusedServices.join(' ')],
  ['access_advisor_status', (a) => a.accessAdvisor.status],
  ['access_advisor_message', (a) => a.accessAdvisor.message ?? ''],
  ['revoked_at', (a) => a.revokedAt ?? ''],
  ['revocation_reason', (a) => a.revocationReason ?? ''],
];

function toCsv(report: AccessReviewReport): string {
  const rows = [
    CSV_COLUMNS.map(([name]) => name),
    ...report.agents.map((a) => CSV_COLUMNS.map(([, get]) => get(a))),
  ];
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * One RFC 4180 field: quoted when it holds a comma, quote or line break, quotes doubled. A value a
 * spreadsheet would run as a formula (role names may start with `=`, `+`, `-` or `@`) gets a leading
 * apostrophe, so opening the evidence in a spreadsheet cannot execute anything.
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function toMarkdown(report: AccessReviewReport): string {
  const s = report.summary;
  const lines = [
    '# Agent access review',
    '',
    `- Generated: ${report.generatedAt}`,
    `- Account: ${report.accountId ?? 'n/a (no agent roles found)'}`,
    `- Roles scanned: ${report.rolesScanned} (path prefix \`${report.pathPrefix}\`)`,
    `- Unused threshold: ${report.unusedDays} days (used before ${report.threshold} counts as unused)`,
    `- Agents: ${s.agents}; stale: ${s.stale}; with unused services: ${s.withUnusedServices}; ` +
      `incomplete service-last-accessed data: ${s.incompleteAccessAdvisor}`,
    '',
  ];
  if (report.agents.length === 0) {
    lines.push('No roles tagged `ai:agent` were found.', '');
    return lines.join('\n');
  }
  lines.push(
    '| Agent | Role | Tenant | Owner | Clearance | Last used | Stale | Unused services | Service data |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const a of report.agents) {
    const lastUsed = a.lastUsedAt ? `${a.lastUsedAt.slice(0, 10)} (${a.daysSinceLastUse} d ago)` : 'never';
    const cells: (string | string[])[] = [
      a.agentName,
      [a.roleName, a.roleArn],
      a.tenant ?? '',
      a.owner ?? '',
      a.clearance ?? '',
      lastUsed,
      a.stale ? `**STALE**: ${a.staleReason}` : 'no',
      a.accessAdvisor.unusedServices.join(', '),
      a.accessAdvisor.status === AccessAdvisorStatus.COMPLETED
        ? `${a.accessAdvisor.services.length} granted`
        : `${a.accessAdvisor.status}: ${a.accessAdvisor.message ?? ''}`,
    ];
    lines.push(`| ${cells.map(mdCell).join(' | ')} |`);
  }
  lines.push('');
  const revoked = report.agents.filter((a) => a.revokedAt !== undefined);
  if (revoked.length > 0) {
    lines.push(
      '## Revoked agents',
      '',
      '| Agent | Role | Revoked at | Reason |',
      '| --- | --- | --- | --- |',
    );
    for (const a of revoked) {
      lines.push(
        `| ${[a.agentName, a.roleName, a.revokedAt ?? '', a.revocationReason ?? ''].map(mdCell).join(' | ')} |`,
      );
    }
    lines.push('');
  }
  if (report.rolesVanished.length > 0) {
    lines.push(`Roles deleted while the review ran: ${report.rolesVanished.map(mdCell).join(', ')}`, '');
  }
  return lines.join('\n');
}

/** Escapes what would break a table cell or inject HTML; several lines of one cell join with `<br>`. */
function mdCell(value: string | string[]): string {
  const parts = Array.isArray(value) ? value : [value];
  return parts
    .map((part) =>
      part
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\|/g, '\\|')
        .replace(/\r?\n/g, ' '),
    )
    .join('<br>');
}
