import { IConstruct } from 'constructs';
import { AcknowledgedFinding } from './entitlement-report-schema';
import { acknowledgementsRecordedOn } from '../shared/nag-acknowledgements';

/**
 * Every acknowledgement recorded with `Validations.of(construct).acknowledge(...)` in a construct
 * tree, read from construct metadata the way cdk-nag's `isAcknowledged` reads it.
 */
export function collectAcknowledgements(root: IConstruct): AcknowledgedFinding[] {
  const found: AcknowledgedFinding[] = [];
  for (const construct of root.node.findAll()) {
    for (const [id, reason] of acknowledgementsRecordedOn(construct)) {
      found.push({ ruleId: id.replace(/^annotation::/i, ''), reason, acknowledgedAt: construct.node.path });
    }
  }
  return found;
}
