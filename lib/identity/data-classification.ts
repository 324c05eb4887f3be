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
