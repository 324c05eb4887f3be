import { IConstruct } from 'constructs';

/**
 * Throws a construction-time error that names the construct path, so the user can find the
 * offending call in a large app. Messages are lowercase, show the bad value and say how to fix it.
 */
export function failAt(scope: IConstruct, message: string): never {
  throw new Error(`${scope.node.path}: ${message}`);
}

/** Renders a user-supplied value for an error message. */
export function show(value: unknown): string {
  return JSON.stringify(value);
}
