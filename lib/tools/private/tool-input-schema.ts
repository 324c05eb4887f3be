/** A JSON schema as the gateway target renders it (lower camel case keys). */
export interface ToolInputSchema {
  readonly type?: string;
  readonly properties?: Record<string, ToolInputSchema>;
  readonly required?: string[];
  readonly items?: ToolInputSchema;
}
