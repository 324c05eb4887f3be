import { Token } from 'aws-cdk-lib';

/** A tool input name Cedar can read with dot access: `context.input.<name>`. */
export const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A JWT claim name as AgentCore hands it to Cedar (a principal tag). */
export const CLAIM_NAME = /^[A-Za-z0-9_:./-]+$/;

/**
 * Renders a value as a Cedar string literal. Values are refused, not escaped, when they hold a
 * double quote, a backslash or a control character: none of these belong in a record id, a
 * branch or a claim value, and refusing them means no value can end the literal early and add
 * policy text of its own. A token is allowed: its marker holds none of these characters, and
 * what CloudFormation substitutes (ARNs, names, account ids) holds none either.
 *
 * Returns undefined when the value is refused, so the caller can name what was wrong and where.
 */
export function cedarStringLiteral(value: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (!Token.isUnresolved(value) && [...value].some(unsafe)) return undefined;
  return `"${value}"`;
}

/** A token's marker in a string, e.g. `${Token[TOKEN.54]}`. */
export const TOKEN_MARKER = /\$\{Token\[[^\]]*\]\}/g;

function unsafe(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return ch === '"' || ch === '\\' || code < 0x20 || code === 0x7f;
}
