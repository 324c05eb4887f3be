import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The namespace aws-cdk-lib gives findings of `@cdklabs/cdk-validator-cfnguard` (the AWS Control
 * Tower proactive controls): the plugin's name. aws-cdk-lib suppresses a plugin's violation when
 * `Validations.of(c).acknowledge({ id: '<namespace>::<rule>' })` was recorded on the violating
 * resource's construct or an ancestor; cfn-guard itself (3.1) has no per-resource suppression.
 */
export const CONTROL_TOWER_NAMESPACE = 'cdk-validator-cfnguard';

/**
 * Acknowledges Control Tower (cfn-guard) findings on a library construct, each with the reason a
 * reviewer needs, the way `acknowledgeFindings` does for the cdk-nag packs: a user who registers
 * `new CfnGuardValidator()` gets a clean synth of the library's resources, and the report lists
 * every acknowledgement with its reason. Keys are cfn-guard rule names, e.g. `lambda_inside_vpc_check`.
 */
export function acknowledgeControlTowerFindings(scope: IConstruct, findings: Record<string, string>): void {
  for (const [rule, reason] of Object.entries(findings)) {
    Validations.of(scope).acknowledge({ id: `${CONTROL_TOWER_NAMESPACE}::${rule}`, reason });
  }
}
