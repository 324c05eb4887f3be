import { CLAIM_NAME, INPUT_NAME, cedarStringLiteral } from './private/cedar-text';

/**
 * A condition of a tool grant or forbid, evaluated by Cedar on every tool call. It reads the
 * tool's input (`context.input.<name>`, the arguments of the call) and the caller's JWT claims
 * (`principal.getTag("<claim>")`, present only on gateways with JWT inbound auth).
 *
 * A condition on an input the tool does not declare, or a claim on an IAM-authorized gateway,
 * is a synth-time error.
 *
 * @example
 * // the record the call touches is the record of the caller's current task
 * ToolCondition.inputEqualsClaim('recordId', 'task_record_id');
 * // never a protected branch
 * ToolCondition.inputIn('branch', ['main', 'release']);
 */
export class ToolCondition {
  /**
   * The tool input equals the value of a JWT claim of the caller (a per-task token). A token
   * without the claim, or with it empty, matches nothing.
   */
  public static inputEqualsClaim(input: string, claim: string): ToolCondition {
    checkInput('inputEqualsClaim', input);
    checkClaim('inputEqualsClaim', claim);
    return new ToolCondition(
      [input],
      [claim],
      `input.${input} == claim ${claim}`,
      (ref) =>
        `principal.hasTag(${quote(claim)}) && principal.getTag(${quote(claim)}) != "" && ${ref(input)} == principal.getTag(${quote(claim)})`,
    );
  }

  /** The tool input equals a string. */
  public static inputEquals(input: string, value: string): ToolCondition {
    checkInput('inputEquals', input);
    const literal = literalOf('inputEquals', value);
    return new ToolCondition(
      [input],
      [],
      `input.${input} == ${literal}`,
      (ref) => `${ref(input)} == ${literal}`,
    );
  }

  /** The tool input is one of the given strings. */
  public static inputIn(input: string, values: string[]): ToolCondition {
    checkInput('inputIn', input);
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error(`ToolCondition.inputIn needs at least one value, got ${JSON.stringify(values)}`);
    }
    const literals = values.map((v) => literalOf('inputIn', v));
    const set = `[${literals.join(', ')}]`;
    return new ToolCondition(
      [input],
      [],
      `input.${input} in ${set}`,
      (ref) => `${set}.contains(${ref(input)})`,
    );
  }

  /** The tool input (an integer) is at most `max`. */
  public static inputAtMost(input: string, max: number): ToolCondition {
    checkInput('inputAtMost', input);
    if (!Number.isSafeInteger(max)) {
      throw new Error(
        `ToolCondition.inputAtMost needs a whole number (Cedar longs are integers), got ${JSON.stringify(max)}`,
      );
    }
    return new ToolCondition([input], [], `input.${input} <= ${max}`, (ref) => `${ref(input)} <= ${max}`);
  }

  /** A JWT claim of the caller equals a string. */
  public static claimEquals(claim: string, value: string): ToolCondition {
    checkClaim('claimEquals', claim);
    const literal = literalOf('claimEquals', value);
    return new ToolCondition(
      [],
      [claim],
      `claim ${claim} == ${literal}`,
      () => `principal.hasTag(${quote(claim)}) && principal.getTag(${quote(claim)}) == ${literal}`,
    );
  }

  private constructor(
    /** Tool inputs the condition reads. */
    public readonly inputs: string[],
    /** JWT claims the condition reads. */
    public readonly claims: string[],
    /** The condition as one line for people (the entitlement report). */
    public readonly description: string,
    private readonly render: (ref: (input: string) => string) => string,
  ) {}

  /**
   * The Cedar expression. `optional` lists the inputs the tool declares as not required: they
   * are guarded with `has`, so a call without them does not satisfy the condition.
   * @internal
   */
  public _toCedar(optional: ReadonlySet<string>): string {
    const guards = this.inputs.filter((i) => optional.has(i)).map((i) => `context.input has ${i}`);
    const body = this.render((i) => `context.input.${i}`);
    return guards.length === 0 ? `(${body})` : `(${[...guards, body].join(' && ')})`;
  }
}

function checkInput(factory: string, input: string): void {
  if (typeof input !== 'string' || !INPUT_NAME.test(input)) {
    throw new Error(
      `ToolCondition.${factory}: tool input name ${JSON.stringify(input)} must be letters, digits and _ (not starting with a digit), as the tool's input schema names it`,
    );
  }
}

function checkClaim(factory: string, claim: string): void {
  if (typeof claim !== 'string' || !CLAIM_NAME.test(claim)) {
    throw new Error(
      `ToolCondition.${factory}: JWT claim name ${JSON.stringify(claim)} must be letters, digits and _ : . / -, e.g. 'task_record_id'`,
    );
  }
}

function literalOf(factory: string, value: string): string {
  const literal = cedarStringLiteral(value);
  if (literal === undefined) {
    throw new Error(
      `ToolCondition.${factory}: value ${JSON.stringify(value)} must be a string without double quotes, backslashes or control characters`,
    );
  }
  return literal;
}

function quote(name: string): string {
  return `"${name}"`;
}
