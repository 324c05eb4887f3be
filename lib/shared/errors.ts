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

/** The error for a tenant given as a token without the opt-in (AgentIdentity and DataTags). */
export function unresolvedTenantMessage(tenant: string): string {
  return (
    `tenant ${show(tenant)} is not known at synth (a token such as Fn.importValue or a CfnParameter), so no ` +
    'check can compare it with the tenants it meets; give the literal tenant, or set allowUnresolvedTenant: true ' +
    'to accept a deploy-time tenant that the checks and the report treat as unknown'
  );
}
