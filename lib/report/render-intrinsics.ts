/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Renders a CloudFormation value with its intrinsics as readable text, without resolving them:
 * `{Ref: X}` → `${X}`, `{Fn::GetAtt: [X, Arn]}` → `${X.Arn}`, `Fn::Join` concatenates,
 * `Fn::Sub` substitutes its own variables and keeps the rest, `Fn::ImportValue` → `${ImportValue:name}`.
 * Anything else is shown as `${Fn::Name(<json>)}`, so nothing is silently dropped.
 */
export function renderIntrinsics(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(renderIntrinsics).join(',');
  const obj = value as Record<string, any>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = obj[key];
    switch (key) {
      case 'Ref':
        return `\${${String(arg)}}`;
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
        return `\${${String(id)}.${renderIntrinsics(attr)}}`;
      }
      case 'Fn::Join': {
        if (Array.isArray(arg) && arg.length === 2 && Array.isArray(arg[1])) {
          return (arg[1] as unknown[]).map(renderIntrinsics).join(String(arg[0]));
        }
        break;
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        return String(text).replace(/\$\{([^}!][^}]*)\}/g, (match: string, name: string) =>
          vars && typeof vars === 'object' && name in vars ? renderIntrinsics(vars[name]) : match,
        );
      }
      case 'Fn::ImportValue':
        return `\${ImportValue:${renderIntrinsics(arg)}}`;
    }
    if (key.startsWith('Fn::')) return `\${${key}(${JSON.stringify(arg)})}`;
  }
  return JSON.stringify(value);
}

/** Renders a value that may be a list (as policies allow for Action, Resource, condition values). */
export function renderList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(renderIntrinsics);
}

/** The logical id a rendered value starts with, e.g. `Bucket` for `${Bucket.Arn}/x/*`. */
export function leadingLogicalId(rendered: string): string | undefined {
  const m = /^\$\{([A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?\}/.exec(rendered);
  return m ? m[1] : undefined;
}

/** Whether a raw template value refers to a logical id (Ref, GetAtt, or `${Id}` inside Fn::Sub). */
export function refersTo(value: unknown, logicalId: string): boolean {
  if (value === null || value === undefined || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => refersTo(v, logicalId));
  const obj = value as Record<string, any>;
  if (obj.Ref === logicalId) return true;
  const getAtt = obj['Fn::GetAtt'];
  if (getAtt !== undefined) {
    const id = Array.isArray(getAtt) ? getAtt[0] : String(getAtt).split('.')[0];
    if (id === logicalId) return true;
  }
  const sub = obj['Fn::Sub'];
  if (sub !== undefined) {
    const text = Array.isArray(sub) ? String(sub[0]) : String(sub);
    if (new RegExp(`\\$\\{${logicalId}(\\.[A-Za-z0-9.]+)?\\}`).test(text)) return true;
  }
  return Object.values(obj).some((v) => refersTo(v, logicalId));
}
