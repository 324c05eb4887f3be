import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks, NagPack } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { AgentIdentityChecks } from '../../lib';

/** The rule packs every example must pass: AwsSolutions, NIST 800-53 R5 and AgentIdentityChecks. */
export function examplePacks(app: App): NagPack[] {
  return [new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new AgentIdentityChecks(app)];
}

/** Registers the packs so that `app.synth()` fails on any unacknowledged error. */
export function addExampleChecks(app: App): void {
  Validations.of(app).addPlugins(...examplePacks(app));
}

/**
 * Runs every pack over `scope` and returns the unacknowledged findings as
 * `<rule id> <construct path>` lines (empty when the example is clean).
 */
export function unacknowledgedFindings(app: App, scope: IConstruct): string[] {
  const lines: string[] = [];
  for (const pack of examplePacks(app)) {
    for (const violation of pack.validateScope(scope).violations) {
      for (const resource of violation.violatingResources) {
        lines.push(`${violation.ruleName} ${resource.constructPath ?? resource.resourceLogicalId}`);
      }
    }
  }
  return lines.sort();
}
