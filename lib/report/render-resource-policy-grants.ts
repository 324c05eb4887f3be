import { AgentEntitlementRecord, EntitlementReportJson } from './entitlement-report-schema';
import { actions, code, conditions, list, row, text } from './render-entitlement-markdown';

/** The Markdown section of an agent's grants made by resource policies; empty when it has none. */
export function resourcePolicyGrantsSection(a: AgentEntitlementRecord): string[] {
  const grants = a.resourcePolicyGrants ?? [];
  if (grants.length === 0) return [];
  const out = ['### Granted by resource policies', ''];
  out.push(
    'Resource policies naming the role (or one of its sessions) as principal: they grant access whatever its identity policies say.',
    '',
  );
  out.push(
    row(['Source resource', 'Principal', 'Actions', 'Resources', 'Conditions']),
    row(Array(5).fill('---')),
  );
  for (const g of grants) {
    out.push(
      row([
        `${code(g.sourceResource)} (${text(g.sourceType)})`,
        code(g.principal),
        actions(g),
        list(g.resources),
        conditions(g.conditions),
      ]),
    );
  }
  out.push('');
  return out;
}

/** The Markdown section of policies that may reach an agent through a reference the reader cannot follow. */
export function unattributedPoliciesSection(report: EntitlementReportJson): string[] {
  const policies = report.unattributedPolicies ?? [];
  if (policies.length === 0) return [];
  const out = ['## Policies that cannot be attributed', ''];
  out.push(
    'These policies may grant an agent access through a reference the reader cannot follow; the checks report each as `AgentIdentity-AttributablePolicies`.',
    '',
  );
  out.push(row(['Resource', 'Property', 'Reference', 'Why']), row(Array(4).fill('---')));
  for (const p of policies) {
    out.push(row([`${code(p.resource)} (${text(p.type)})`, text(p.property), code(p.value), text(p.reason)]));
  }
  out.push('');
  return out;
}
