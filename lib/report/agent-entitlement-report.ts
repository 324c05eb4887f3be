import * as fs from 'fs';
import * as path from 'path';
import {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  Stack,
  Stage,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { StackTemplate } from './build-entitlement-report';
import { collectAcknowledgements } from './collect-acknowledgements';
import { EntitlementReport } from './entitlement-report';
import { constructPathsOf, literalAccount, nestedStackTemplates } from './nested-stack-templates';

/** Properties of an `AgentEntitlementReport`. */
export interface AgentEntitlementReportProps {
  /**
   * Base name of the files written into the cloud assembly (`<baseName>.json` and `<baseName>.md`).
   * @default 'agent-entitlements'
   */
  readonly baseName?: string;
}

const DEFAULT_BASE_NAME = 'agent-entitlements';

/**
 * Writes the entitlement evidence at every `cdk synth`: `agent-entitlements.json` (schema in
 * lib/report/SCHEMA.md) and `agent-entitlements.md` into the cloud assembly directory.
 *
 * It is a validation plugin so that it runs after the templates are written, and it reads those
 * templates — what CloudFormation will get — rather than construct props. It never reports a
 * violation; it fails synth only when it cannot write the evidence.
 *
 * @example
 * Validations.of(app).addPlugins(new AgentEntitlementReport(app));
 */
export class AgentEntitlementReport implements IPolicyValidationPlugin {
  public readonly name = 'AgentEntitlementReport';
  public readonly ruleIds?: string[] = [];
  /** Base name of the files written (`<baseName>.json`, `<baseName>.md`). */
  public readonly baseName: string;
  private lastReport?: EntitlementReport;

  constructor(_scope?: IConstruct, props: AgentEntitlementReportProps = {}) {
    const baseName = props.baseName ?? DEFAULT_BASE_NAME;
    if (!/^[A-Za-z0-9._-]+$/.test(baseName) || baseName.startsWith('.')) {
      throw new Error(
        `AgentEntitlementReport: baseName ${JSON.stringify(baseName)} must be a plain file name (letters, digits, . _ -), e.g. 'agent-entitlements'`,
      );
    }
    this.baseName = baseName;
  }

  /** The report written by the last synth, if any. */
  public get report(): EntitlementReport | undefined {
    return this.lastReport;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const root = context.appConstruct;
    const stacks = root ? stacksByTemplate(root) : new Map<string, Stack>();
    const templates: StackTemplate[] = context.templatePaths.map((templatePath) => {
      const stack = stacks.get(path.resolve(templatePath));
      return {
        stackName: stack?.stackName ?? path.basename(templatePath).replace(/\.template\.json$/, ''),
        template: JSON.parse(fs.readFileSync(templatePath, 'utf8')),
        constructPaths: stack ? constructPathsOf(stack) : undefined,
        account: stack ? literalAccount(stack) : undefined,
      };
    });
    // nested stacks' templates are not handed to plugins: read them from the assembly
    if (root) templates.push(...nestedStackTemplates(root));
    const report = EntitlementReport.fromTemplates(templates, root ? collectAcknowledgements(root) : []);
    const outdir = assemblyDir(root, context.templatePaths);
    fs.writeFileSync(
      path.join(outdir, `${this.baseName}.json`),
      `${JSON.stringify(report.toJson(), undefined, 2)}\n`,
    );
    fs.writeFileSync(path.join(outdir, `${this.baseName}.md`), report.toMarkdown());
    this.lastReport = report;
    return { success: true, violations: [] };
  }
}

function stacksByTemplate(root: IConstruct): Map<string, Stack> {
  const out = new Map<string, Stack>();
  for (const c of root.node.findAll()) {
    if (!Stack.isStack(c) || c.nested) continue;
    const stage = Stage.of(c);
    if (stage) out.set(path.resolve(stage.outdir, c.templateFile), c);
  }
  return out;
}

function assemblyDir(root: IConstruct | undefined, templatePaths: string[]): string {
  if (root && Stage.isStage(root)) return root.outdir;
  return path.dirname(templatePaths[0]);
}
