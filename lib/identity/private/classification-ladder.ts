import { DataClassification } from '../data-classification';

const LADDER: readonly DataClassification[] = [
  DataClassification.PUBLIC,
  DataClassification.INTERNAL,
  DataClassification.CONFIDENTIAL,
  DataClassification.RESTRICTED,
];

/** The position of a classification on the ladder (0 = PUBLIC). */
export function classificationRank(classification: DataClassification): number {
  const rank = LADDER.indexOf(classification);
  if (rank < 0) {
    throw new Error(`unknown data classification ${JSON.stringify(classification)}; use DataClassification`);
  }
  return rank;
}

/** Every classification at or below the given clearance, lowest first. */
export function classificationsAtOrBelow(clearance: DataClassification): DataClassification[] {
  return LADDER.slice(0, classificationRank(clearance) + 1);
}

/** True when an agent with `clearance` may touch data classified as `classification`. */
export function isCleared(clearance: DataClassification, classification: DataClassification): boolean {
  return classificationRank(classification) <= classificationRank(clearance);
}
