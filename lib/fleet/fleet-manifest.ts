import * as fs from 'fs';
import * as YAML from 'yaml';

/** Access levels a manifest may name for a data grant. */
const MANIFEST_ACCESS_LEVELS = ['read', 'write', 'read-write', 'delete'] as const;
/** Runtimes a manifest may name as a plain string. */
const MANIFEST_SIMPLE_RUNTIMES = ['lambda', 'ecs-task', 'agentcore-runtime', 'bedrock-agent'] as const;
/** `ManifestAgent.runtime` of an agent whose manifest entry is `runtime: { eksPodIdentity: ... }`. */
export const EKS_POD_IDENTITY_RUNTIME = 'eks-pod-identity';
/** Model kinds a manifest may name. */
const MANIFEST_MODEL_KINDS = ['foundationModel', 'inferenceProfile', 'globalInferenceProfile'] as const;
const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'];

/** A data grant in the manifest: a store named in the fleet's `stores` map and an access level. */
export interface ManifestDataGrant {
  /** Name of the store in the `stores` map given to the fleet. */
  readonly store: string;
  /** `read`, `write`, `read-write` or `delete`. */
  readonly access: string;
}

/** A model grant in the manifest: exactly one of the keys, naming the model or profile id. */
export interface ManifestModel {
  /** Foundation model id, e.g. `anthropic.claude-3-5-haiku-20241022-v1:0`. */
  readonly foundationModel?: string;
  /** Geographic inference profile id, e.g. `us.anthropic.claude-sonnet-4-20250514-v1:0`. */
  readonly inferenceProfile?: string;
  /** Global inference profile id, e.g. `global.anthropic.claude-sonnet-4-20250514-v1:0`. */
  readonly globalInferenceProfile?: string;
}

/** EKS Pod Identity runtime of a manifest agent (`runtime: { eksPodIdentity: { namespace, serviceAccount } }` in the file). */
export interface ManifestEksRuntime {
  /** Kubernetes namespace (`namespace` in the manifest file). */
  readonly kubernetesNamespace: string;
  /** Kubernetes service account. */
  readonly serviceAccount: string;
}

/** One agent of a validated manifest. */
export interface ManifestAgent {
  /** Agent name (`ai:agent`), unique in the app. */
  readonly name: string;
  /**
   * `lambda`, `ecs-task`, `agentcore-runtime`, `bedrock-agent`, or `eks-pod-identity` (the file's
   * `runtime: { eksPodIdentity: {...} }`, whose details are in `eksPodIdentity`).
   */
  readonly runtime: string;
  /**
   * The EKS Pod Identity details when `runtime` is `eks-pod-identity`.
   * @default - not an EKS Pod Identity runtime
   */
  readonly eksPodIdentity?: ManifestEksRuntime;
  /** Tenant (`ai:tenant`). */
  readonly tenant?: string;
  /** Clearance: `public`, `internal`, `confidential` or `restricted`. */
  readonly clearance?: string;
  /** Owner (`ai:owner`). */
  readonly owner?: string;
  /** Longest session in hours (1-12). */
  readonly maxSessionHours?: number;
  /** Data grants. */
  readonly data: ManifestDataGrant[];
  /** Model grants. */
  readonly models: ManifestModel[];
  /** Names of secrets (in the fleet's `secrets` map) the agent reads. */
  readonly secrets: string[];
}

/** A fleet manifest, version 1. */
export interface FleetManifest {
  /** Schema version; must be 1. */
  readonly version: number;
  /** How many stacks to spread the agents over (stable: an agent's stack depends only on its name). */
  readonly stacks: number;
  /** The agents. */
  readonly agents: ManifestAgent[];
}

/**
 * A manifest error with the line and column it points at. Internal to TypeScript (not in the jsii
 * API): in every language it is told by its `name`, `ManifestError`, and its message lists the problems.
 */
export class ManifestError extends Error {
  constructor(
    public readonly problems: string[],
    source: string,
  ) {
    super(`${source}: invalid agent manifest:\n  ${problems.join('\n  ')}`);
    this.name = 'ManifestError';
  }
}

type Path = (string | number)[];

/**
 * Alias expansions a manifest may make: enough for every agent of a large fleet to reuse a few
 * anchors, while a document built to expand exponentially ("billion laughs") still fails fast.
 */
const MAX_ALIAS_COUNT = 10_000;

/** Reads and validates a manifest file (YAML or JSON). */
export function readManifestFile(file: string): FleetManifest {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ManifestError([`cannot read the manifest: ${(e as Error).message}`], file);
  }
  return parseManifest(text, file);
}

/** Parses and validates manifest text; errors name `file:line:col`. */
export function parseManifest(text: string, source = 'manifest'): FleetManifest {
  const lineCounter = new YAML.LineCounter();
  // merge keys (`<<: *defaults`) let hundreds of agents share their common fields
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  if (doc.errors.length > 0) {
    throw new ManifestError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return `${source}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`;
      }),
      source,
    );
  }
  const where = (path: Path, atKey = false): string => {
    let node = (atKey ? keyNode(doc, path) : doc.getIn(path, true)) as YAML.Node | undefined;
    for (let p = path.slice(0, -1); !node?.range && p.length > 0; p = p.slice(0, -1)) {
      node = doc.getIn(p, true) as YAML.Node | undefined;
    }
    const range = node && (node as YAML.Node).range;
    if (!range) return source;
    const pos = lineCounter.linePos(range[0]);
    return `${source}:${pos.line}:${pos.col}`;
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    throw new ManifestError(
      [
        `${source}: ${(e as Error).message}; a manifest may expand aliases (*name) at most ${MAX_ALIAS_COUNT} times in all — write the repeated part out, or split the manifest`,
      ],
      source,
    );
  }
  return validateManifest(value, where);
}

/** Validates a manifest given as an object (positions are shown as paths). */
export function validateManifestObject(value: unknown, source = 'manifest'): FleetManifest {
  return validateManifest(value, (path) => `${source}: ${renderPath(path)}`);
}

type Fail = (path: Path, message: string, atKey?: boolean) => void;

function validateManifest(value: unknown, where: (path: Path, atKey?: boolean) => string): FleetManifest {
  const problems: string[] = [];
  const fail: Fail = (path, message, atKey) =>
    problems.push(`${where(path, atKey)}: ${renderPath(path)} ${message}`);
  if (!isObject(value)) {
    throw new ManifestError(
      [`${where([])}: the manifest must be a mapping with version and agents`],
      where([]),
    );
  }
  // top-level `x-` keys are free for the manifest's own anchors (`x-defaults: { triage: &triage … }`)
  const own = Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('x-')));
  knownKeys(own, ['version', 'stacks', 'agents'], [], fail);
  if (value.version !== 1) fail(['version'], `must be 1, got ${JSON.stringify(value.version)}`);
  const stacks = value.stacks ?? 1;
  if (!Number.isInteger(stacks) || (stacks as number) < 1 || (stacks as number) > 100) {
    fail(['stacks'], `must be a whole number from 1 to 100, got ${JSON.stringify(stacks)}`);
  }
  const agents: ManifestAgent[] = [];
  if (!Array.isArray(value.agents) || value.agents.length === 0) {
    fail(['agents'], 'must be a non-empty list of agents');
  } else {
    const seen = new Map<string, number>();
    value.agents.forEach((raw: unknown, i: number) => {
      const agent = validateAgent(raw, ['agents', i], fail);
      if (!agent) return;
      const first = seen.get(agent.name);
      if (first !== undefined) {
        fail(
          ['agents', i, 'name'],
          `${JSON.stringify(agent.name)} repeats agents[${first}]; agent names must be unique`,
        );
      } else {
        seen.set(agent.name, i);
      }
      agents.push(agent);
    });
  }
  if (problems.length > 0) throw new ManifestError(problems, where([]).split(':')[0]);
  return { version: 1, stacks: stacks as number, agents };
}

function validateAgent(raw: unknown, path: Path, fail: Fail): ManifestAgent | undefined {
  if (!isObject(raw)) {
    fail(path, 'must be a mapping with at least name and runtime');
    return undefined;
  }
  knownKeys(
    raw,
    ['name', 'runtime', 'tenant', 'clearance', 'owner', 'maxSessionHours', 'data', 'models', 'secrets'],
    path,
    fail,
  );
  const at = (k: string | number, ...rest: (string | number)[]) => [...path, k, ...rest];
  if (typeof raw.name !== 'string' || !/^[a-z0-9-]{1,48}$/.test(raw.name)) {
    fail(at('name'), `${JSON.stringify(raw.name)} must be 1-48 lowercase letters, digits or dashes`);
  }
  const runtime = validateRuntime(raw.runtime, at('runtime'), fail);
  for (const key of ['tenant', 'owner'] as const) {
    if (raw[key] !== undefined && (typeof raw[key] !== 'string' || raw[key] === '')) {
      fail(at(key), `must be a non-empty string, got ${JSON.stringify(raw[key])}`);
    }
  }
  if (raw.clearance !== undefined && !CLASSIFICATIONS.includes(raw.clearance as string)) {
    fail(at('clearance'), `${JSON.stringify(raw.clearance)} is not one of ${CLASSIFICATIONS.join(', ')}`);
  }
  if (raw.maxSessionHours !== undefined) {
    const h = raw.maxSessionHours;
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 1 || h > 12) {
      fail(at('maxSessionHours'), `must be a whole number of hours from 1 to 12, got ${JSON.stringify(h)}`);
    }
  }
  const data = listOf(raw.data, at('data'), fail).flatMap((g, i) => {
    if (!isObject(g)) return (fail(at('data', i), 'must be a mapping with store and access'), []);
    knownKeys(g, ['store', 'access'], at('data', i), fail);
    if (typeof g.store !== 'string' || g.store === '') fail(at('data', i, 'store'), 'must name a store');
    if (!MANIFEST_ACCESS_LEVELS.includes(g.access as never)) {
      fail(
        at('data', i, 'access'),
        `${JSON.stringify(g.access)} is not one of ${MANIFEST_ACCESS_LEVELS.join(', ')}`,
      );
    }
    return [{ store: g.store as string, access: g.access as string }];
  });
  const models = listOf(raw.models, at('models'), fail).flatMap((m, i) => {
    const keys = isObject(m) ? Object.keys(m) : [];
    if (!isObject(m) || keys.length !== 1 || !MANIFEST_MODEL_KINDS.includes(keys[0] as never)) {
      fail(at('models', i), `must have exactly one of ${MANIFEST_MODEL_KINDS.join(', ')}`);
      return [];
    }
    const id = m[keys[0]];
    if (typeof id !== 'string' || id === '' || /[*?]/.test(id)) {
      fail(at('models', i, keys[0]), `${JSON.stringify(id)} must be an exact model id without wildcards`);
      return [];
    }
    return [{ [keys[0]]: id } as ManifestModel];
  });
  const secrets = listOf(raw.secrets, at('secrets'), fail).flatMap((s, i) => {
    if (typeof s !== 'string' || s === '') return (fail(at('secrets', i), 'must name a secret'), []);
    return [s];
  });
  if (typeof raw.name !== 'string' || runtime === undefined) return undefined;
  return {
    name: raw.name,
    ...runtime,
    tenant: raw.tenant as string | undefined,
    clearance: raw.clearance as string | undefined,
    owner: raw.owner as string | undefined,
    maxSessionHours: raw.maxSessionHours as number | undefined,
    data,
    models,
    secrets,
  };
}

type ValidRuntime = Pick<ManifestAgent, 'runtime' | 'eksPodIdentity'>;

function validateRuntime(raw: unknown, path: Path, fail: Fail): ValidRuntime | undefined {
  if (typeof raw === 'string' && MANIFEST_SIMPLE_RUNTIMES.includes(raw as never)) return { runtime: raw };
  if (isObject(raw) && isObject(raw.eksPodIdentity)) {
    const e = raw.eksPodIdentity;
    if (typeof e.namespace === 'string' && typeof e.serviceAccount === 'string') {
      return {
        runtime: EKS_POD_IDENTITY_RUNTIME,
        eksPodIdentity: { kubernetesNamespace: e.namespace, serviceAccount: e.serviceAccount },
      };
    }
    fail(path, 'eksPodIdentity needs namespace and serviceAccount');
    return undefined;
  }
  fail(
    path,
    `${JSON.stringify(raw)} is not one of ${MANIFEST_SIMPLE_RUNTIMES.join(', ')} or { eksPodIdentity: { namespace, serviceAccount } }`,
  );
  return undefined;
}

function listOf(raw: unknown, path: Path, fail: Fail): unknown[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    fail(path, 'must be a list');
    return [];
  }
  return raw;
}

function knownKeys(obj: Record<string, unknown>, allowed: string[], path: Path, fail: Fail): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key))
      fail([...path, key], `is not a known key (known: ${allowed.join(', ')})`, true);
  }
}

/** The key node of the last path segment (so an unknown key is reported where the key is). */
function keyNode(doc: YAML.Document, path: Path): YAML.Node | undefined {
  const parent = doc.getIn(path.slice(0, -1), true);
  if (!YAML.isMap(parent)) return undefined;
  const pair = parent.items.find((p) => YAML.isScalar(p.key) && p.key.value === path[path.length - 1]);
  return pair && YAML.isScalar(pair.key) ? pair.key : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function renderPath(path: Path): string {
  return (
    path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '') ||
    '(root)'
  );
}
