import * as fs from 'fs';
import * as path from 'path';
import {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
  Stack,
  Stage,
  Validations,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * CloudFormation's limit on a template body uploaded through S3 (as the CDK deploys): 1 MB,
 * counted here as 10^6 bytes so that no rounding of "MB" can let a template through that
 * CloudFormation refuses.
 */
export const MAX_TEMPLATE_BYTES = 1_000_000;

const PLUGINS = new WeakMap<Stage, FleetTemplateLimits>();

/**
 * Fails synthesis when a template written for an AgentFleet stack is larger than CloudFormation
 * accepts. A template's size is known only once it is written, so this runs as a validation
 * plugin after synthesis; AgentFleet registers it on its stage and adds its stacks.
 */
export class FleetTemplateLimits implements IPolicyValidationPlugin {
  /** The plugin of `scope`'s stage, registered on first use. */
  public static of(scope: IConstruct): FleetTemplateLimits {
    const stage = Stage.of(scope);
    if (!stage) throw new Error(`${scope.node.path} is not inside an App or Stage`);
    let plugin = PLUGINS.get(stage);
    if (!plugin) {
      plugin = new FleetTemplateLimits();
      PLUGINS.set(stage, plugin);
      Validations.of(stage).addPlugins(plugin);
    }
    return plugin;
  }

  public readonly name = 'cdk-agent-identity-fleet-template-size';
  public readonly ruleIds = ['FleetTemplateSize'];
  private readonly watched: { stack: Stack; stacks: number }[] = [];

  private constructor() {}

  /** Watches a fleet stack; `stacks` is the manifest's stack count, quoted in the fix. */
  public watch(stack: Stack, stacks: number): void {
    this.watched.push({ stack, stacks });
  }

  public validate(_context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    for (const { stack, stacks } of this.watched) {
      const file = path.join(Stage.of(stack)!.outdir, stack.templateFile);
      if (!fs.existsSync(file)) continue;
      const bytes = fs.statSync(file).size;
      if (bytes <= MAX_TEMPLATE_BYTES) continue;
      violations.push({
        ruleName: 'FleetTemplateSize',
        description: `fleet stack ${stack.node.path} has a ${bytes.toLocaleString('en-US')}-byte template, over CloudFormation's 1 MB (${MAX_TEMPLATE_BYTES.toLocaleString('en-US')} bytes)`,
        fix: `raise 'stacks' in the manifest (${stacks} now) or lower maxAgentsPerStack, so each stack holds fewer agents`,
        severity: 'error',
        violatingResources: [{ constructPath: stack.node.path, templatePath: file, locations: [] }],
      });
    }
    return { success: violations.length === 0, violations };
  }
}
