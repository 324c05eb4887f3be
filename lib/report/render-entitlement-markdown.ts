import { PERMISSIONS_GUARDRAILS } from '../identity/private/permissions-guardrails';
import { resourcePolicyGrantsSection, unattributedPoliciesSection } from './render-resource-policy-grants';
import {
  AgentEntitlementRecord,
  ConditionMap,
  DenyEntitlement,
  EntitlementReportJson,
  ScopedGrant,
  SecretRotationInfo,
} from './entitlement-report-schema';
import { toolGraph, toolSection } from './render-tool-entitlements';
import { credentialsMarkdown } from './render-credential-entitlements';

/**
 * Renders the report as Markdown for people: a Mermaid graph of agents and what they reach
 * (renders on GitHub), an overview table, and per agent a summary table and the details.
 */
export function renderEntitlementMarkdown(report: EntitlementReportJson): string {
  const out: string[] = [];
  out.push('# Agent entitlements', '');
  out.push(
    `Written by ${report.generator} at \`cdk synth\` from the synthesized templates (schema version ${report.schemaVersion}). ` +
      `${report.agents.length} agent${report.agents.length === 1 ? '' : 's'}.`,
    '',
  );
  if (report.agents.length === 0) {
    out.push('No role tagged `ai:agent` was found.', '');
  } else {
    out.push('## Access graph', '', '```mermaid', ...mermaidGraph(report), '```', '');
    out.push('## Overview', '');
    out.push(
      row([
        'Agent',
        'Stack',
        'Runtime',
        'Tenant',
        'Clearance',
        'Max session',
        'Data stores',
        'Models',
        'Secrets',
        'Boundary',
        'Audit',
      ]),
      row(Array(11).fill('---')),
    );
    for (const a of report.agents) {
      out.push(
        row([
          code(a.agentName),
          code(a.stackName),
          a.runtime.map(code).join(', '),
          a.tenant !== null ? code(a.tenant) : '_platform_',
          a.clearance !== null ? code(a.clearance) : '_untagged_',
          duration(a.maxSessionDurationSeconds),
          String(a.dataStores.length),
          String(a.models.length),
          String(a.secrets.length),
          a.permissionsBoundary ? 'yes' : '**none**',
          a.auditTrails.length > 0 ? 'yes' : '**none**',
        ]),
      );
    }
    out.push('');
    for (const a of report.agents) out.push(...agentSection(a));
    out.push(...unattributedPoliciesSection(report));
  }
  out.push('## Acknowledged findings', '');
  if (report.acknowledgements.length === 0) {
    out.push('None.', '');
  } else {
    out.push(row(['Rule', 'Reason', 'Acknowledged at']), row(['---', '---', '---']));
    for (const ack of report.acknowledgements) {
      out.push(row([code(ack.ruleId), text(ack.reason), code(ack.acknowledgedAt || '(app)')]));
    }
    out.push('');
  }
  return out.join('\n');
}

/** Escapes text for a double-quoted Mermaid label. */
export function mermaidLabel(value: string): string {
  return value
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/\|/g, '#124;')
    .replace(/[\r\n]+/g, ' ');
}

function mermaidGraph(report: EntitlementReportJson): string[] {
  const lines = ['flowchart LR'];
  const nodes = new Map<string, string>();
  const node = (key: string, prefix: string, shape: (label: string) => string, label: string): string => {
    let id = nodes.get(key);
    if (id === undefined) {
      id = `${prefix}${nodes.size}`;
      nodes.set(key, id);
      lines.push(`  ${id}${shape(`"${mermaidLabel(label)}"`)}`);
    }
    return id;
  };
  const edge = (from: string, to: string, label: string) =>
    lines.push(`  ${from} -->|"${mermaidLabel(label)}"| ${to}`);
  for (const a of report.agents) {
    const agent = node(
      `agent|${a.stackName}|${a.agentName}`,
      'agent',
      (l) => `([${l}])`,
      `agent ${a.agentName}`,
    );
    toolGraph(a, agent, node, edge);
    for (const d of a.dataStores) {
      const store = node(
        `store|${a.stackName}|${d.service}|${d.store}`,
        'store',
        (l) => `[(${l})]`,
        `${d.service} ${short(d.store)}`,
      );
      edge(agent, store, d.access.join(', '));
    }
    for (const m of a.models) {
      const model = node(
        `model|${a.stackName}|${m.resource}`,
        'model',
        (l) => `{{${l}}}`,
        short(m.resource) === m.resource ? `${m.kind} ${m.resource}` : short(m.resource),
      );
      edge(agent, model, m.actions.map(actionName).join(', '));
    }
    for (const s of a.secrets) {
      const secret = node(
        `secret|${a.stackName}|${s.secret}`,
        'secret',
        (l) => `[/${l}/]`,
        `secret ${short(s.secret)}`,
      );
      edge(
        agent,
        secret,
        s.reads
          ? s.rotation
            ? 'reads, rotated'
            : 'reads, not rotated'
          : s.actions.map(actionName).join(', '),
      );
    }
  }
  return lines;
}

function agentSection(a: AgentEntitlementRecord): string[] {
  const out: string[] = [`## Agent ${code(a.agentName)}`, ''];
  const boundary = a.permissionsBoundary;
  out.push(row(['Property', 'Value']), row(['---', '---']));
  out.push(row(['Stack', code(a.stackName)]));
  out.push(row(['Role', `${code(a.roleName)}${a.constructPath ? ` (${code(a.constructPath)})` : ''}`]));
  out.push(row(['Assumed by', a.runtime.map(code).join(', ') || '**nobody**']));
  out.push(row(['Tenant', a.tenant !== null ? code(a.tenant) : '_platform agent (no tenant)_']));
  out.push(row(['Clearance', a.clearance !== null ? code(a.clearance) : '_untagged_']));
  out.push(row(['Owner', a.owner !== null ? code(a.owner) : '**none**']));
  out.push(row(['Max session', duration(a.maxSessionDurationSeconds)]));
  out.push(row(['Data stores', String(a.dataStores.length)]));
  out.push(row(['Models', String(a.models.length)]));
  out.push(
    row([
      'Secrets',
      a.secrets.map((s) => `${code(s.secret)} (${rotation(s.rotation)})`).join('<br>') || 'none',
    ]),
  );
  out.push(
    row([
      'Permissions boundary',
      boundary
        ? `${code(boundary.policy)}${boundary.readable ? '' : ' (not in the templates)'}` +
          (boundary.denies.length > 0
            ? `; denies: ${boundary.denies.map((d) => code(d.sid ?? d.actions.join(','))).join(', ')}`
            : '')
        : '**none**',
    ]),
  );
  out.push(
    row([
      'Permissions guardrails',
      (a.permissionsGuardrails.map(code).join(', ') || '**none**') +
        (a.missingPermissionsGuardrails.length > 0
          ? `; **missing:** ${a.missingPermissionsGuardrails.map(code).join(', ')}`
          : ''),
    ]),
  );
  out.push(
    row([
      'Audit trail',
      a.auditTrails.map((t) => `${code(t.trail)} (${t.scope})`).join('<br>') || '**none**',
    ]),
  );
  out.push(row(['Acknowledged findings', String(a.acknowledgedFindings.length)]));
  out.push('');
  out.push(...credentialsMarkdown(a, { row, code, text }));

  out.push('### Who can assume it', '');
  out.push(row(['Principals', 'Actions', 'Conditions']), row(['---', '---', '---']));
  for (const t of a.trust)
    out.push(
      row([t.principals.map(code).join('<br>'), t.actions.map(code).join(', '), conditions(t.conditions)]),
    );
  out.push('');

  if (a.dataStores.length > 0) {
    out.push('### Data stores', '');
    out.push(row(['Store', 'Access', 'Actions', 'Resources', 'Conditions']), row(Array(5).fill('---')));
    for (const d of a.dataStores) {
      for (const g of d.grants) {
        out.push(
          row([
            `${code(d.store)} (${d.service})`,
            d.access.join(', '),
            actions(g),
            list(g.resources),
            conditions(g.conditions),
          ]),
        );
      }
    }
    out.push('');
  }
  if (a.models.length > 0) {
    out.push('### Models, knowledge bases and agents', '');
    out.push(row(['Resource', 'Kind', 'Actions', 'Conditions']), row(Array(4).fill('---')));
    for (const m of a.models) {
      for (const g of m.grants)
        out.push(row([code(m.resource), m.kind, actions(g), conditions(g.conditions)]));
    }
    out.push('');
  }
  if (a.guardrailPins.length > 0) {
    out.push('### Guardrail pins', '');
    out.push(row(['Effect', 'Condition', 'Actions', 'Resources']), row(Array(4).fill('---')));
    for (const p of a.guardrailPins) {
      out.push(
        row([
          p.effect,
          `${code(p.operator)} ${code('bedrock:GuardrailIdentifier')} = ${p.guardrails.map(code).join(', ')}`,
          p.actions.map(code).join(', '),
          list(p.resources),
        ]),
      );
    }
    out.push('');
  }
  if (a.secrets.length > 0) {
    out.push('### Secrets', '');
    out.push(row(['Secret', 'Reads value', 'Actions', 'Rotation', 'Conditions']), row(Array(5).fill('---')));
    for (const s of a.secrets) {
      out.push(
        row([
          code(s.secret),
          s.reads ? 'yes' : 'no',
          s.actions.map(code).join(', '),
          rotation(s.rotation),
          s.grants.map((g) => conditions(g.conditions)).join('<br>'),
        ]),
      );
    }
    out.push('');
  }
  if (a.otherPermissions.length > 0) {
    out.push('### Other permissions', '');
    out.push(row(['Actions', 'Resources', 'Conditions', 'Source']), row(Array(4).fill('---')));
    for (const g of a.otherPermissions)
      out.push(row([actions(g), list(g.resources), conditions(g.conditions), text(g.source)]));
    out.push('');
  }
  out.push(...toolSection(a));
  const denies = a.denies;
  if (denies.length > 0) {
    out.push('### Explicit denies', '');
    out.push(row(['Sid', 'What it prevents', 'Actions', 'Conditions', 'Source']), row(Array(5).fill('---')));
    for (const d of denies) out.push(denyRow(d));
    out.push('');
  }
  out.push(...resourcePolicyGrantsSection(a));
  if (a.acknowledgedFindings.length > 0) {
    out.push('### Acknowledged findings', '');
    out.push(row(['Rule', 'Reason', 'Acknowledged at']), row(['---', '---', '---']));
    for (const f of a.acknowledgedFindings)
      out.push(row([code(f.ruleId), text(f.reason), code(f.acknowledgedAt || '(app)')]));
    out.push('');
  }
  return out;
}

function denyRow(d: DenyEntitlement): string {
  const rail = PERMISSIONS_GUARDRAILS.find((r) => r.sid === d.sid);
  const acts = d.notActions ? `all but ${d.notActions.map(code).join(', ')}` : summarizeActions(d.actions);
  return row([
    d.sid ? code(d.sid) : '',
    rail ? text(rail.purpose) : '',
    acts,
    conditions(d.conditions),
    text(d.source),
  ]);
}

function summarizeActions(list: string[]): string {
  return list.length > 6
    ? `${list.slice(0, 5).map(code).join(', ')} and ${list.length - 5} more`
    : list.map(code).join(', ');
}

export function actions(g: ScopedGrant): string {
  return g.notActions ? `all but ${g.notActions.map(code).join(', ')}` : g.actions.map(code).join(', ');
}

export function conditions(c: ConditionMap): string {
  const parts: string[] = [];
  for (const [op, keys] of Object.entries(c)) {
    for (const [key, values] of Object.entries(keys))
      parts.push(`${code(op)} ${code(key)} = ${values.map(code).join(', ')}`);
  }
  return parts.join('<br>') || 'none';
}

function rotation(r: SecretRotationInfo | null): string {
  if (!r) return '**not rotated**';
  const every =
    r.automaticallyAfterDays !== undefined
      ? `every ${r.automaticallyAfterDays} days`
      : r.scheduleExpression !== undefined
        ? code(r.scheduleExpression)
        : 'rotated';
  return `${every}${r.rotatedBy ? ` by ${code(r.rotatedBy)}` : ''}`;
}

export function list(items: string[]): string {
  return items.map(code).join('<br>');
}

function duration(seconds: number | null): string {
  if (seconds === null) return '_token_';
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function actionName(action: string): string {
  return action.includes(':') ? action.slice(action.indexOf(':') + 1) : action;
}

/**
 * A shorter label for an ARN: the part after the account, prefixed with the region when the ARN
 * names one (so the same model in two regions stays two labels), or the whole value.
 */
function short(value: string): string {
  const masked = value.replace(/\$\{[^}]*\}/g, (m) => m.replace(/:/g, '_'));
  if (!masked.startsWith('arn:')) return value;
  const colons: number[] = [];
  for (let i = 0; i < masked.length && colons.length < 5; i++) if (masked[i] === ':') colons.push(i);
  if (colons.length < 5) return value;
  const region = value.slice(colons[2] + 1, colons[3]);
  const rest = value.slice(colons[4] + 1);
  return region && !region.startsWith('${') ? `${region} ${rest}` : rest;
}

export function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A Markdown code span that survives a table cell. */
export function code(value: string): string {
  const v = value.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
  const fence = v.includes('`') ? '``' : '`';
  const pad = fence.length > 1 ? ' ' : '';
  return `${fence}${pad}${v}${pad}${fence}`;
}

/** Plain text that survives a table cell. */
export function text(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/([*_`[\]])/g, '\\$1')
    .replace(/[\r\n]+/g, ' ');
}
