import { AgentEntitlementRecord } from './entitlement-report-schema';
import { code, row } from './render-entitlement-markdown';

/** Adds the agent → gateway → tool edges of one agent to the Mermaid access graph. */
export function toolGraph(
  a: AgentEntitlementRecord,
  agentNode: string,
  node: (key: string, prefix: string, shape: (label: string) => string, label: string) => string,
  edge: (from: string, to: string, label: string) => void,
): void {
  const linked = new Set<string>();
  for (const t of a.tools ?? []) {
    const gateway = node(
      `gateway|${t.gateway}`,
      'gateway',
      (l) => `[${l}]`,
      `gateway ${t.gateway} (${t.mode})`,
    );
    if (!linked.has(gateway)) {
      linked.add(gateway);
      edge(agentNode, gateway, 'calls tools');
    }
    const tool = node(`tool|${t.gateway}|${t.tool}`, 'tool', (l) => `>${l}]`, `tool ${t.tool}`);
    // the tool node is shared by the gateway's agents; the edge names who may call it
    edge(gateway, tool, `${a.agentName}${t.conditional ? ', conditional' : ''}`);
  }
}

/** The agent's tools section: one row per permitted tool, with its conditions, forbids and mode. */
export function toolSection(a: AgentEntitlementRecord): string[] {
  if (!a.tools || a.tools.length === 0) return [];
  const out = ['### Tools (Cedar policies at AgentCore Gateways)', ''];
  out.push(row(['Gateway', 'Mode', 'Tool', 'Caller', 'Conditions', 'Forbids']), row(Array(6).fill('---')));
  for (const t of a.tools) {
    out.push(
      row([
        code(t.gateway),
        t.mode === 'ENFORCE' ? code(t.mode) : `**${t.mode}** (not enforced)`,
        code(t.tool),
        code(t.caller),
        t.conditions.map(code).join('<br>') || '_none_',
        t.forbids.map(code).join('<br>') || '_none_',
      ]),
    );
  }
  out.push('');
  return out;
}
