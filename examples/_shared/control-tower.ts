import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import * as lib from '../../lib';
import { CONTROL_TOWER_NAMESPACE } from '../../lib/shared/control-tower-acknowledgements';
import { TRACKED_CONTROL_TOWER_FINDINGS } from './tracked-findings';

/** One finding of the AWS Control Tower proactive controls (cfn-guard) on one resource. */
export interface ControlTowerFinding {
  /** The cfn-guard rule, e.g. `s3_bucket_logging_enabled_check`. */
  readonly rule: string;
  /** Construct path of the resource below the stack, e.g. `MailStore/Resource`. */
  readonly path: string;
  /** Whether a construct of the library created the resource (rather than the example itself). */
  readonly library: boolean;
}

/**
 * Synthesizes `app` (into its temporary output directory) and runs the AWS Control Tower
 * proactive controls over the stack's template offline, as `@cdklabs/cdk-validator-cfnguard` does.
 */
export function controlTowerFindings(app: App, stack: Stack): ControlTowerFinding[] {
  const templatePath = app.synth().getStackByName(stack.stackName).templateFullPath;
  const report = new CfnGuardValidator().validate({ templatePaths: [templatePath] } as never);
  const byLogicalId = new Map<string, IConstruct>();
  for (const c of stack.node.findAll()) {
    if (CfnResource.isCfnResource(c)) byLogicalId.set(stack.getLogicalId(c), c);
  }
  const findings: ControlTowerFinding[] = [];
  for (const violation of report.violations) {
    for (const resource of violation.violatingResources) {
      // the plugin sometimes adds an entry without resource or locations next to the real ones
      if (!resource.resourceLogicalId && resource.locations.every((l) => l === '')) continue;
      const construct = byLogicalId.get(resource.resourceLogicalId ?? '');
      if (!construct) throw new Error(`cfn-guard names unknown resource ${resource.resourceLogicalId}`);
      // acknowledged in code (Validations.of(c).acknowledge), as aws-cdk-lib suppresses it at synth
      if (acknowledged(construct, violation.ruleName)) continue;
      findings.push({
        rule: violation.ruleName,
        path: construct.node.path.slice(stack.node.path.length + 1),
        library: createdByLibrary(construct),
      });
    }
  }
  return findings.sort((a, b) => `${a.rule} ${a.path}`.localeCompare(`${b.rule} ${b.path}`));
}

/** `<rule> <path>` lines of the findings on the example's own resources. */
export function exampleFindings(findings: ControlTowerFinding[]): string[] {
  return findings.filter((f) => !f.library).map((f) => `${f.rule} ${f.path}`);
}

/** `<rule> <path>` lines of the findings on library resources that are not tracked yet. */
export function untrackedLibraryFindings(findings: ControlTowerFinding[]): string[] {
  return findings
    .filter((f) => f.library)
    .filter((f) => !TRACKED_CONTROL_TOWER_FINDINGS.some((t) => t.rule === f.rule && t.path.test(f.path)))
    .map((f) => `${f.rule} ${f.path}`);
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const LIBRARY_CLASSES: Function[] = Object.values(lib as Record<string, unknown>).filter(
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  (v): v is Function => typeof v === 'function' && v.prototype !== undefined,
);

/**
 * aws-cdk-lib creates one AwsCustomResource provider function per stack, directly under the stack;
 * in the examples only the library's ModelInvocationLogging uses it.
 */
const CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/** True when `cdk-validator-cfnguard::<rule>` was acknowledged on the construct or an ancestor. */
function acknowledged(construct: IConstruct, rule: string): boolean {
  const id = `${CONTROL_TOWER_NAMESPACE}::${rule}`;
  return construct.node.scopes.some((scope) =>
    scope.node.metadata.some(
      (m) =>
        m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY &&
        m.data !== undefined &&
        Object.prototype.hasOwnProperty.call(m.data, id),
    ),
  );
}

function createdByLibrary(construct: IConstruct): boolean {
  return construct.node.scopes.some(
    (scope) =>
      scope.node.id === CUSTOM_RESOURCE_PROVIDER_ID || LIBRARY_CLASSES.some((cls) => scope instanceof cls),
  );
}
