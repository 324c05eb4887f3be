import { IConstruct } from 'constructs';
import { failAt } from './errors';

/** Values a static factory built from bad arguments → the error, kept for the grant that uses them. */
const INVALID = new WeakMap<object, string>();

type Factory = (...args: any[]) => object; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Static factories (`GuardrailPin.version`, `BedrockModel.*`, `DataStore.*`) run before the value
 * has a place in the construct tree, so an error they threw would name no construct: the user saw
 * only the factory's message, from somewhere inside `app.synth()` or a long constructor. Instead,
 * each listed factory of `cls` keeps its validation error in a placeholder value (built by
 * `placeholder` from the factory's arguments), and the grant that consumes the value throws it
 * at the agent's construct path with {@link failIfInvalid}:
 * `App/Stack/Triage: BedrockModel.inferenceProfile: inference profile id "xx.…" …`.
 *
 * A placeholder that no grant ever consumes changes no policy, so nothing is widened by it.
 */
export function deferFactoryErrors<C extends object>(
  cls: C,
  className: string,
  factories: string[],
  placeholder: (args: unknown[]) => object,
): void {
  const statics = cls as unknown as Record<string, Factory>;
  for (const name of factories) {
    const original = statics[name];
    if (typeof original !== 'function') throw new Error(`${className}.${name} is not a static factory`);
    Object.defineProperty(cls, name, {
      configurable: true,
      writable: true,
      value: function deferred(this: unknown, ...args: unknown[]): object {
        try {
          return original.apply(this, args);
        } catch (error) {
          if (!(error instanceof Error)) throw error;
          const value = placeholder(args);
          INVALID.set(value, `${className}.${name}: ${error.message}`);
          return value;
        }
      },
    });
  }
}

/**
 * Throws, at `scope` (the agent a grant is for), the error a static factory kept for `value`, if
 * any; naming the factory, the bad value and the fix as the factory's own message did.
 */
export function failIfInvalid(scope: IConstruct, value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const message = INVALID.get(value);
  if (message !== undefined) failAt(scope, message);
}

/** Whether `value` was built by a static factory from bad arguments. */
export function isInvalidFactoryValue(value: unknown): boolean {
  return value !== null && typeof value === 'object' && INVALID.has(value);
}
