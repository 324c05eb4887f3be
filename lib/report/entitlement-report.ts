import { IConstruct } from 'constructs';
import { StackTemplate, buildEntitlementReport } from './build-entitlement-report';
import { collectAcknowledgements } from './collect-acknowledgements';
import { EntitlementDiff, diffEntitlementReports } from './diff-entitlement-reports';
import {
  formatEntitlementDiff,
  parseEntitlementReport,
  readEntitlementReport,
} from './entitlement-report-file';
import {
  AcknowledgedFinding,
  ENTITLEMENT_REPORT_GENERATOR,
  ENTITLEMENT_REPORT_SCHEMA_VERSION,
  EntitlementReportJson,
  READABLE_ENTITLEMENT_REPORT_SCHEMA_VERSIONS,
} from './entitlement-report-schema';
import { renderEntitlementMarkdown } from './render-entitlement-markdown';

/**
 * An entitlement report: what every agent of an app may do, as `AgentEntitlementReport` writes it
 * into the cloud assembly at each synth (`agent-entitlements.json`, schema in lib/report/SCHEMA.md).
 * Read one from a file, parse it from text, or build it from synthesized templates; compare two with
 * `EntitlementReport.diff`.
 *
 * The report's content is `toJson()`: plain JSON data in the documented file format (which writes
 * `null` for an absent tenant, boundary, rotation, ...). TypeScript users can type it with
 * `EntitlementReportJson` from `cdk-agent-identity/dist/lib/report/report-format`.
 *
 * A file that cannot be used (unreadable, not JSON, not a report, or an unknown `schemaVersion`)
 * throws an error whose `name` is `EntitlementReportError` and whose message names the file and the fix.
 *
 * @example
 * const diff = EntitlementReport.diff(
 *   EntitlementReport.fromFile('baseline/agent-entitlements.json'),
 *   EntitlementReport.fromFile('cdk.out/agent-entitlements.json'),
 * );
 * if (diff.widened) console.log(EntitlementReport.formatDiff(diff));
 */
export class EntitlementReport {
  /** The schema version this library writes (`schemaVersion` of a new report). */
  public static readonly SCHEMA_VERSION: number = ENTITLEMENT_REPORT_SCHEMA_VERSION;
  /** Every schema version this library reads; older versions are upgraded on reading. */
  public static readonly READABLE_SCHEMA_VERSIONS: number[] = [
    ...READABLE_ENTITLEMENT_REPORT_SCHEMA_VERSIONS,
  ];
  /** The `generator` this library records in a report. */
  public static readonly GENERATOR: string = ENTITLEMENT_REPORT_GENERATOR;

  /** Reads and checks an `agent-entitlements.json` file (any readable schema version). */
  public static fromFile(file: string): EntitlementReport {
    return new EntitlementReport(readEntitlementReport(file));
  }

  /**
   * Parses and checks the text of an `agent-entitlements.json` (any readable schema version).
   * @param text the file's text
   * @param source what to call the text in errors, e.g. its file name. Default: `entitlement report`.
   */
  public static parse(text: string, source?: string): EntitlementReport {
    return new EntitlementReport(parseEntitlementReport(text, source ?? 'entitlement report'));
  }

  /**
   * Builds the report of an app from its synthesized templates, as `AgentEntitlementReport` does at
   * synth: every role tagged `ai:agent`, judged from the policies CloudFormation will get.
   * @param templates the app's stack templates
   * @param acknowledgements the app's acknowledged findings (see `collectAcknowledgements`); each
   *   agent lists those made on its role, its policies or an ancestor construct. Default: none.
   */
  public static fromTemplates(
    templates: StackTemplate[],
    acknowledgements?: AcknowledgedFinding[],
  ): EntitlementReport {
    return new EntitlementReport(buildEntitlementReport(templates, acknowledgements ?? []));
  }

  /**
   * Every acknowledgement recorded with `Validations.of(construct).acknowledge(...)` in a
   * construct tree, with its reason and the construct path it was made on.
   */
  public static collectAcknowledgements(scope: IConstruct): AcknowledgedFinding[] {
    return collectAcknowledgements(scope);
  }

  /**
   * Compares a baseline report with a current one and says, per agent, what changed and whether it
   * widened access. Reports of different readable schema versions compare by content.
   */
  public static diff(baseline: EntitlementReport, current: EntitlementReport): EntitlementDiff {
    return diffEntitlementReports(baseline.json, current.json);
  }

  /** A diff as text for a terminal or a CI log. */
  public static formatDiff(diff: EntitlementDiff): string {
    return formatEntitlementDiff(diff);
  }

  /** The schema version of the content (a file of an older version is upgraded on reading). */
  public readonly schemaVersion: number;
  /** Name of every agent in the report, in report order (by name, then stack). */
  public readonly agentNames: string[];

  private constructor(private readonly json: EntitlementReportJson) {
    this.schemaVersion = json.schemaVersion;
    this.agentNames = json.agents.map((a) => a.agentName);
  }

  /** The report as JSON data, in the file format of `SCHEMA_VERSION` (a copy: changing it changes nothing here). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON data; jsii languages get a dict / map
  public toJson(): any {
    return JSON.parse(JSON.stringify(this.json));
  }

  /** The report as Markdown for people (what `AgentEntitlementReport` writes as `agent-entitlements.md`). */
  public toMarkdown(): string {
    return renderEntitlementMarkdown(this.json);
  }
}
