import { DataClassification } from './data-classification';
import { classificationRank, classificationsAtOrBelow, isCleared } from './private/classification-ladder';

/**
 * The order of the classification ladder, for policies written by hand (e.g. a condition listing
 * every classification an agent may read: there is no "less or equal" on tags).
 *
 * @example
 * const readable = DataClassificationLadder.atOrBelow(DataClassification.CONFIDENTIAL);
 */
export class DataClassificationLadder {
  /** The position of `classification` on the ladder (0 = PUBLIC). */
  public static rank(classification: DataClassification): number {
    return classificationRank(classification);
  }

  /** Every classification at or below `clearance`, lowest first. */
  public static atOrBelow(clearance: DataClassification): DataClassification[] {
    return classificationsAtOrBelow(clearance);
  }

  /** True when an agent with `clearance` may touch data classified as `classification`. */
  public static isCleared(clearance: DataClassification, classification: DataClassification): boolean {
    return isCleared(clearance, classification);
  }

  private constructor() {}
}
