/**
 * How sensitive data is. The ladder is ordered: PUBLIC < INTERNAL < CONFIDENTIAL < RESTRICTED.
 *
 * An agent's clearance is the highest classification it may touch; a data store's
 * classification is the sensitivity of what it holds. Values are the literal tag values
 * written to `ai:clearance` and `ai:classification`.
 */
export enum DataClassification {
  /** Data meant for anyone. */
  PUBLIC = 'public',
  /** Data for people and systems inside the organisation. */
  INTERNAL = 'internal',
  /** Data whose disclosure harms customers or the organisation. */
  CONFIDENTIAL = 'confidential',
  /** The most sensitive data: regulated, secret or personal data of special category. */
  RESTRICTED = 'restricted',
}

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
