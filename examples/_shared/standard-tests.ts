import { App, Stack } from 'aws-cdk-lib';
import { controlTowerFindings, exampleFindings, untrackedLibraryFindings } from './control-tower';
import { unacknowledgedFindings } from './example-checks';

/**
 * The two tests every example has, declared once: no unacknowledged finding under AwsSolutions,
 * NIST 800-53 R5 and AgentIdentityChecks; and under the AWS Control Tower proactive controls
 * (cfn-guard) only the documented findings on the example's own demo resources and none
 * untracked on library resources. `documented` lists the example's own as `<rule> <path>`.
 */
export function describeRulePackTests(app: App, stack: Stack, documented: string[] = []): void {
  test('AwsSolutions, NIST 800-53 R5 and AgentIdentityChecks report no unacknowledged finding', () => {
    // WHEN every pack runs over the stack THEN nothing is left
    expect(unacknowledgedFindings(app, stack)).toEqual([]);
  });

  test('AWS Control Tower proactive controls (cfn-guard): only documented findings on the example’s resources, none untracked on library resources', () => {
    // WHEN cfn-guard runs the Control Tower rules over the synthesized template
    const findings = controlTowerFindings(app, stack);
    // THEN the example's own resources raise only what is documented, the library's only what is tracked
    expect(exampleFindings(findings)).toEqual([...documented].sort());
    expect(untrackedLibraryFindings(findings)).toEqual([]);
  });
}
