import {
  EvaluationScope,
  Json,
  Parts,
  attributes,
  evaluate,
  evaluateList,
  literal,
  unknownPart,
} from './intrinsic-value';

/** One stack template handed to the model. */
export interface ModelStackInput {
  /** A key unique in the app (a stack name, or a construct path). */
  readonly id: string;
  /** The stack's name, used in sources such as `Agents/BucketPolicy1234`. */
  readonly name: string;
  /** The template (at least `Resources`; `Outputs` for exports and nested stack outputs). */
  readonly template: Json;
  /**
   * For a nested stack: the parent stack's id and the logical id of its `AWS::CloudFormation::Stack`
   * resource there, so parameters and outputs can be followed between them.
   * @default - a top-level stack
   */
  readonly parent?: { readonly id: string; readonly logicalId: string };
  /**
   * The stack's account, when it is a literal (an environment-bound stack), so a literal role name
   * or ARN is matched only to a role of the same account.
   * @default - unknown: a literal name or ARN matches a role of that name in any stack
   */
  readonly account?: string;
}

/** A stack of the model. */
export interface ModelStack {
  readonly id: string;
  readonly name: string;
  /** The stack's literal account, when known. */
  readonly account?: string;
  readonly template: Json;
  readonly resources: ReadonlyMap<string, ModelResource>;
}

/** One resource of a template. */
export interface ModelResource {
  readonly stack: ModelStack;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Json;
  /** `<stack name>/<logical id>`, how reports and findings name the resource. */
  readonly address: string;
}

/** What a value naming a role (a name, an ARN, a session ARN) points at. */
export type RoleTarget =
  | { readonly kind: 'roles'; readonly roles: ModelResource[] }
  | { readonly kind: 'unknown'; readonly why: string };

/**
 * The resources of every stack template of an app, with references resolved across stacks. One
 * model serves the checks (which render the templates from the construct tree) and the entitlement
 * report (which reads the synthesized files), so both see the same resources the same way.
 */
export class TemplateModel implements EvaluationScope<ModelStack, ModelResource> {
  public readonly stacks: ModelStack[] = [];
  private readonly byType = new Map<string, ModelResource[]>();
  private readonly exports = new Map<string, { stack: ModelStack; value: Json }>();
  /** Roles by literal `RoleName`. */
  private readonly rolesByName = new Map<string, ModelResource[]>();
  /** Nested stack -> its resource in the parent; and back. */
  private readonly parentResource = new Map<ModelStack, ModelResource>();
  private readonly nestedStack = new Map<ModelResource, ModelStack>();

  constructor(inputs: readonly ModelStackInput[]) {
    for (const input of inputs) {
      const resources = new Map<string, ModelResource>();
      const account =
        input.account !== undefined && /^\d{12}$/.test(input.account) ? input.account : undefined;
      const stack: ModelStack = {
        id: input.id,
        name: input.name,
        template: input.template,
        resources,
        ...(account !== undefined ? { account } : {}),
      };
      this.stacks.push(stack);
      for (const [logicalId, entry] of Object.entries<Json>(input.template?.Resources ?? {})) {
        if (!entry || typeof entry.Type !== 'string') continue;
        const resource: ModelResource = {
          stack,
          logicalId,
          type: entry.Type,
          properties: entry.Properties ?? {},
          address: `${input.name}/${logicalId}`,
        };
        resources.set(logicalId, resource);
        let list = this.byType.get(resource.type);
        if (!list) this.byType.set(resource.type, (list = []));
        list.push(resource);
        const name = resource.properties.RoleName;
        if (resource.type === 'AWS::IAM::Role' && typeof name === 'string') {
          this.rolesByName.set(name, [...(this.rolesByName.get(name) ?? []), resource]);
        }
      }
      for (const output of Object.values<Json>(input.template?.Outputs ?? {})) {
        const name = output?.Export?.Name;
        if (typeof name === 'string') this.exports.set(name, { stack, value: output.Value });
      }
    }
    const byId = new Map(this.stacks.map((s) => [s.id, s]));
    inputs.forEach((input, i) => {
      const resource = input.parent
        ? byId.get(input.parent.id)?.resources.get(input.parent.logicalId)
        : undefined;
      if (!resource) return;
      this.parentResource.set(this.stacks[i], resource);
      this.nestedStack.set(resource, this.stacks[i]);
    });
  }

  public parameter(stack: ModelStack, name: string): { stack: ModelStack; value: Json } | undefined {
    const parent = this.parentResource.get(stack);
    const value = parent?.properties.Parameters?.[name];
    return parent && value !== undefined ? { stack: parent.stack, value } : undefined;
  }

  public output(resource: ModelResource, attribute: string): { stack: ModelStack; value: Json } | undefined {
    const nested = this.nestedStack.get(resource);
    const name = /^Outputs\.(.+)$/.exec(attribute)?.[1];
    const value = nested && name !== undefined ? nested.template?.Outputs?.[name]?.Value : undefined;
    return nested && value !== undefined ? { stack: nested, value } : undefined;
  }

  /** Every resource of a type, across all stacks. */
  public resourcesOf(type: string): readonly ModelResource[] {
    return this.byType.get(type) ?? [];
  }

  /** Every resource of the app. */
  public *allResources(): Iterable<ModelResource> {
    for (const stack of this.stacks) yield* stack.resources.values();
  }

  public resource(stack: ModelStack, logicalId: string): ModelResource | undefined {
    return stack.resources.get(logicalId);
  }

  public exported(name: string): { stack: ModelStack; value: Json } | undefined {
    return this.exports.get(name);
  }

  /** A role's `Arn` written in terms of its name, so `Fn::Split` over an imported ARN can be followed. */
  public expand(resource: ModelResource, attribute: string): Parts<ModelResource> | undefined {
    if (resource.type !== 'AWS::IAM::Role' || attribute !== 'Arn') return undefined;
    const path = resource.properties.Path ?? '/';
    if (typeof path !== 'string') return undefined;
    return [
      'arn:',
      { kind: 'pseudo', name: 'AWS::Partition' },
      ':iam::',
      { kind: 'pseudo', name: 'AWS::AccountId' },
      `:role${path}`,
      { kind: 'attribute', resource, attribute: 'Ref' },
    ];
  }

  /** What a value will be once deployed. */
  public evaluate(value: Json, stack: ModelStack): Parts<ModelResource> {
    return evaluate(this, value, stack);
  }

  /** A list value, element by element; undefined when the list itself cannot be read. */
  public evaluateList(value: Json, stack: ModelStack): Parts<ModelResource>[] | undefined {
    return evaluateList(this, value, stack);
  }

  /**
   * The resource a value is (`Ref` / `Fn::GetAtt` in its stack, or an `Fn::ImportValue` of an export
   * of another stack, followed); undefined when it is a literal, a composite or cannot be read.
   */
  public target(value: Json, stack: ModelStack, depth = 0): ModelResource | undefined {
    if (!value || typeof value !== 'object' || Array.isArray(value) || depth > 20) return undefined;
    if (typeof value.Ref === 'string') return stack.resources.get(value.Ref);
    if ('Fn::GetAtt' in value) {
      const arg = value['Fn::GetAtt'];
      const id = Array.isArray(arg) ? arg[0] : String(arg).split('.')[0];
      return typeof id === 'string' ? stack.resources.get(id) : undefined;
    }
    if ('Fn::ImportValue' in value) {
      const name = this.literal(value['Fn::ImportValue'], stack);
      const exported = name !== undefined ? this.exports.get(name) : undefined;
      return exported ? this.target(exported.value, exported.stack, depth + 1) : undefined;
    }
    return undefined;
  }

  /** Every resource referenced anywhere inside a value (e.g. a `Fn::Join` building an ARN). */
  public referencedIn(value: Json, stack: ModelStack): ModelResource[] {
    const found: ModelResource[] = [];
    const visit = (v: Json): void => {
      if (!v || typeof v !== 'object') return;
      if (Array.isArray(v)) return v.forEach(visit);
      if ('Ref' in v || 'Fn::GetAtt' in v || 'Fn::ImportValue' in v) {
        for (const a of attributes(this.evaluate(v, stack))) found.push(a.resource);
        return;
      }
      if ('Fn::Sub' in v) {
        for (const a of attributes(this.evaluate(v, stack))) found.push(a.resource);
      }
      Object.values(v).forEach(visit);
    };
    visit(value);
    return found;
  }

  /**
   * The roles a value names: a role name (`Roles` of a policy) when `as` is `name`, or an IAM
   * principal (role ARN or role session ARN) when `as` is `principal`. Roles are recognized by
   * reference (in any stack), by literal name, or by literal ARN; a value with a part the reader
   * cannot follow is `unknown`. An empty `roles` list means the value names no role of the app.
   */
  public rolesNamedBy(value: Json, stack: ModelStack, as: 'name' | 'principal'): RoleTarget {
    return this.rolesIn(this.evaluate(value, stack), as, stack);
  }

  /**
   * The roles an evaluated value names (see `rolesNamedBy`). A literal name or ARN names a role of
   * that name only in the account it names: a name (`Roles` of a policy) the account of `from`,
   * the stack holding the value; an ARN the account written in it (`AWS::AccountId` is `from`'s).
   * Where either account is unknown (an environment-agnostic stack), the role is matched.
   */
  public rolesIn(parts: Parts<ModelResource>, as: 'name' | 'principal', from?: ModelStack): RoleTarget {
    const referenced = attributes(parts);
    const roles = referenced
      .filter((a) => a.resource.type === 'AWS::IAM::Role' && ['Ref', 'Arn', 'RoleId'].includes(a.attribute))
      .map((a) => a.resource);
    if (roles.length > 0) return { kind: 'roles', roles: [...new Set(roles)] };
    const missing = unknownPart(parts);
    if (missing) return { kind: 'unknown', why: missing.why };
    const opaque = referenced.find((a) => OPAQUE_TYPES.test(a.resource.type));
    if (opaque) {
      return { kind: 'unknown', why: `an attribute of ${opaque.resource.type} ${opaque.resource.address}` };
    }
    const text = parts
      .map((p) =>
        typeof p === 'string'
          ? p
          : p.kind === 'pseudo' && p.name === 'AWS::AccountId' && from?.account !== undefined
            ? from.account
            : '\u0000',
      )
      .join('');
    const name = as === 'name' ? (/^[\w+=,.@-]+$/.test(text) ? text : undefined) : roleNameInArn(text);
    const account = as === 'name' ? from?.account : accountInArn(text);
    const named = (name !== undefined ? (this.rolesByName.get(name) ?? []) : []).filter(
      (role) => account === undefined || role.stack.account === undefined || role.stack.account === account,
    );
    return { kind: 'roles', roles: named };
  }

  /** A value as literal text, when it is one. */
  public literal(value: Json, stack: ModelStack): string | undefined {
    return literal(this.evaluate(value, stack));
  }
}

/** Types whose attributes may hold anything (custom resources, nested stack outputs). */
const OPAQUE_TYPES = /^(Custom::|AWS::CloudFormation::(CustomResource|Stack)$)/;

/** The literal 12-digit account of an IAM or STS ARN, if it has one. */
function accountInArn(text: string): string | undefined {
  const account = /^arn:[^:]*:(?:iam|sts)::([^:]*):/.exec(text)?.[1];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/** The role name of `arn:<p>:iam::<acct>:role/<path/>name` or `arn:<p>:sts::<acct>:assumed-role/name/session`. */
function roleNameInArn(text: string): string | undefined {
  const role = /^arn:[^:]*:iam::[^:]*:role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(text);
  if (role) return role[1];
  const session = /^arn:[^:]*:sts::[^:]*:assumed-role\/([\w+=,.@-]+)\/[^/]*$/.exec(text);
  return session ? session[1] : undefined;
}
