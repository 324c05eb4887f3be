import * as path from 'path';
import {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  Stage,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledgementsRecordedOn } from '../shared/nag-acknowledgements';
import { AgentEntitlementReport } from './agent-entitlement-report';

/** Properties of a `SynthSummary`. */
export interface SynthSummaryProps {
  /**
   * Whether to print the summary to stderr at the end of the validation run.
   * @default true
   */
  readonly print?: boolean;
}

/** What one plugin reported at the last synth. */
interface PluginOutcome {
  readonly name: string;
  readonly errors: number;
  readonly warnings: number;
  readonly ran: boolean;
}

/**
 * One short line at the end of every synth: which packs ran, their unacknowledged findings by
 * severity, how many acknowledgements (each with its reason) the app carries, and where the
 * entitlement report was written. `SynthSummary.around(app, plugins)` returns the plugins to
 * register, each wrapped to record its report, followed by the summary itself, which runs after
 * them (validation plugins run in the order they were added).
 *
 * Failing findings are still reported by aws-cdk-lib's validation report, each with the construct
 * path it was raised on; the summary then ends with the count that failed the synth.
 *
 * @example
 * const plugins = SynthSummary.around(app, [new AgentIdentityChecks(app), new AgentEntitlementReport(app)]);
 * for (const plugin of plugins) Validations.of(app).addPlugins(plugin);
 */
export class SynthSummary implements IPolicyValidationPlugin {
  /** Wraps `plugins` to record their outcome, and appends the summary that prints it. */
  public static around(scope: IConstruct, plugins: IPolicyValidationPlugin[], props: SynthSummaryProps = {}) {
    const summary = new SynthSummary(scope, props);
    const wrapped = plugins.map((plugin) => summary.record(plugin));
    return [...wrapped, summary] as IPolicyValidationPlugin[];
  }

  public readonly name = 'SynthSummary';
  public readonly ruleIds?: string[] = [];
  private readonly print: boolean;
  private readonly outcomes: PluginOutcome[] = [];
  private readonly reports: AgentEntitlementReport[] = [];
  private lastLine?: string;

  private constructor(_scope: IConstruct, props: SynthSummaryProps) {
    this.print = props.print ?? true;
  }

  /** The line printed by the last synth. */
  public get line(): string | undefined {
    return this.lastLine;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const root = context.appConstruct;
    const outdir = root && Stage.isStage(root) ? root.outdir : path.dirname(context.templatePaths[0] ?? '.');
    const acknowledged = root
      ? root.node.findAll().reduce((n, c) => n + acknowledgementsRecordedOn(c).length, 0)
      : 0;
    const ran = this.outcomes.filter((o) => o.ran);
    const errors = ran.reduce((n, o) => n + o.errors, 0);
    const warnings = ran.reduce((n, o) => n + o.warnings, 0);
    const packs = ran.filter((o) => !this.reports.some((r) => r.name === o.name)).map((o) => o.name);
    const writer = this.reports.find((r) => r.report !== undefined);
    const written = writer
      ? `entitlement report: ${relative(outdir)}/${writer.baseName}.{json,md}`
      : 'no entitlement report (register AgentEntitlementReport)';
    const stacks = context.templatePaths.length;
    this.lastLine =
      `cdk-agent-identity: ${packs.length > 0 ? packs.join(', ') : 'no rule pack'} ran on ${stacks} stack${stacks === 1 ? '' : 's'}: ` +
      `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} unacknowledged, ` +
      `${acknowledged} acknowledged with reasons; ${written}` +
      (errors > 0 ? '. Synth fails: the findings above name each construct path' : '');
    if (this.print) process.stderr.write(`${this.lastLine}\n`);
    this.outcomes.length = 0;
    return { success: true, violations: [] };
  }

  private record(plugin: IPolicyValidationPlugin): IPolicyValidationPlugin {
    if (plugin instanceof AgentEntitlementReport) this.reports.push(plugin);
    const outcomes = this.outcomes;
    return {
      name: plugin.name,
      version: plugin.version,
      ruleIds: plugin.ruleIds,
      validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
        const report = plugin.validate(context);
        const count = (severity: string) =>
          report.violations
            .filter((v) => (v.severity ?? 'error') === severity)
            .reduce((n, v) => n + Math.max(1, v.violatingResources.length), 0);
        outcomes.push({ name: plugin.name, errors: count('error'), warnings: count('warning'), ran: true });
        return report;
      },
    };
  }
}

function relative(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
}
