import { IConstruct } from 'constructs';
import { IDataAccess } from '../identity/agent-capabilities';
import { failAt, show } from '../shared/errors';

/**
 * How much of a data store an agent may use. Levels are disjoint on purpose: reads never include
 * writes, writes never include deletes. Grant DELETE separately, and only when the agent must.
 */
export class DataAccess implements IDataAccess {
  /** Read data: get objects / items / secret values / messages, list (scoped) keys. */
  public static readonly READ = new DataAccess('READ', true, false, false);
  /** Create and update data; never delete it. */
  public static readonly WRITE = new DataAccess('WRITE', false, true, false);
  /** READ and WRITE together; still no delete. */
  public static readonly READ_WRITE = new DataAccess('READ_WRITE', true, true, false);
  /** Delete data (objects, items, messages, secrets) and nothing else. */
  public static readonly DELETE = new DataAccess('DELETE', false, false, true);

  /**
   * The level with the given name (`READ`, `WRITE`, `READ_WRITE` or `DELETE`).
   * Throws when the name is not a level.
   */
  public static fromLevel(level: string): DataAccess {
    const found = ALL.find((a) => a.level === level);
    if (!found) {
      throw new Error(
        `unknown data access level ${show(level)}; use DataAccess.READ, WRITE, READ_WRITE or DELETE`,
      );
    }
    return found;
  }

  /** @internal resolves any IDataAccess to one of the levels, failing at `scope` otherwise. */
  public static _resolve(scope: IConstruct, access: IDataAccess | undefined): DataAccess {
    if (access instanceof DataAccess) return access;
    const found = ALL.find((a) => a.level === access?.level);
    if (!found) {
      failAt(
        scope,
        `access ${show(access?.level ?? access)} is not a data access level; use DataAccess.READ, WRITE, READ_WRITE or DELETE`,
      );
    }
    return found;
  }

  private constructor(
    /** The level's name. */
    public readonly level: string,
    /** Whether this level reads data. */
    public readonly reads: boolean,
    /** Whether this level creates or updates data. */
    public readonly writes: boolean,
    /** Whether this level deletes data. */
    public readonly deletes: boolean,
  ) {}
}

const ALL: DataAccess[] = [DataAccess.READ, DataAccess.WRITE, DataAccess.READ_WRITE, DataAccess.DELETE];
