type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The resources of a synthesized template of one CloudFormation type, as [logical id, resource]. */
export function resourcesOfType(template: Json, type: string): [string, Json][] {
  return Object.entries<Json>(template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

/** The policies AgentGrantSharing created in a template (logical ids start with AgentSharedGrants). */
export function sharedGrantPolicies(template: Json): [string, Json][] {
  return resourcesOfType(template, 'AWS::IAM::ManagedPolicy').filter(([id]) =>
    id.startsWith('AgentSharedGrants'),
  );
}

/** The logical ids of the shared grant policies a role carries (`ManagedPolicyArns` references). */
export function sharedGrantPoliciesOf(template: Json, roleLogicalId: string): string[] {
  return (template.Resources[roleLogicalId].Properties.ManagedPolicyArns ?? [])
    .map((a: Json) => a?.Ref)
    .filter((ref: unknown) => typeof ref === 'string' && ref.startsWith('AgentSharedGrants'));
}
