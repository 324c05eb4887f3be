import { Stack } from 'aws-cdk-lib';

/**
 * The one place where the examples acknowledge cdk-nag findings that constructs of the library
 * itself raise, with reasons starting `tracked:` (each one reported to the library's maintainers
 * until the library acknowledges or fixes it). An example never acknowledges findings on its own
 * resources here; see each app.ts for those. Call it last in `buildApp`, once every grant is made.
 *
 * Nothing is tracked right now: the boundary ceiling, the agents' inline policies, S3 object
 * grants, SupportAccess and the generated-key rotation function are acknowledged by the library
 * (lib/shared/nag-acknowledgements.ts), and TenantAbac accepts KMS statements bound by
 * `kms:ViaService`. Add an acknowledgement here only for a new library finding, and report it.
 */
export function trackLibraryFindings(_stack: Stack): void {}

/** A finding of the AWS Control Tower proactive controls on a library resource, tracked until fixed. */
export interface TrackedControlTowerFinding {
  /** The cfn-guard rule. */
  readonly rule: string;
  /** Construct paths (below the stack) of the library resources it is raised on. */
  readonly path: RegExp;
  /** Why it is raised, as reported to the library's maintainers. */
  readonly reason: string;
}

/**
 * Control Tower (cfn-guard) findings on resources the library creates that it neither fixes nor
 * acknowledges. The library acknowledges the rest in code, each with its reason
 * (`lib/shared/control-tower-acknowledgements.ts`: aws-cdk-lib suppresses a validation plugin's
 * violation acknowledged with `Validations.of(c).acknowledge({ id: 'cdk-validator-cfnguard::<rule>' })`),
 * and `controlTowerFindings` honours those acknowledgements. The list is empty and must stay so: a
 * new library finding is fixed or acknowledged in code, never tracked here.
 */
export const TRACKED_CONTROL_TOWER_FINDINGS: readonly TrackedControlTowerFinding[] = [];
