import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { failAt, show } from './errors';

/** Characters IAM accepts in a tag value (letters, numbers, spaces and `_ . : / = + - @`). */
const IAM_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const IAM_TAG_VALUE_MAX = 256;
/**
 * An agent name as `AgentIdentity` accepts it (the `ai:agent` tag value): 1-48 lowercase letters,
 * digits or dashes. One pattern for the construct and the CLI.
 */
export const AGENT_NAME_PATTERN = /^[a-z0-9-]{1,48}$/;
/** IAM tag keys: same characters, 1–128 long. */
const IAM_TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

/**
 * Checks that a literal value is a valid IAM tag value. Unresolved tokens pass through: their
 * value is only known at deploy time, and IAM itself rejects a bad one then.
 */
export function validateTagValue(scope: IConstruct, prop: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (value.length === 0 || value.length > IAM_TAG_VALUE_MAX || !IAM_TAG_VALUE.test(value)) {
    failAt(
      scope,
      `${prop} ${show(value)} is not a valid IAM tag value; use 1-${IAM_TAG_VALUE_MAX} letters, numbers, spaces or _ . : / = + - @`,
    );
  }
}

/** Checks that a literal string is a valid IAM tag key. */
export function validateTagKey(scope: IConstruct, prop: string, key: string): void {
  if (Token.isUnresolved(key)) {
    failAt(scope, `${prop} must be a literal tag key, got a token; tag keys appear in policy conditions`);
  }
  if (!IAM_TAG_KEY.test(key) || key.toLowerCase().startsWith('aws:')) {
    failAt(
      scope,
      `${prop} ${show(key)} is not a valid IAM tag key; use 1-128 letters, numbers or _ . : / = + - @ not starting with aws:`,
    );
  }
}
