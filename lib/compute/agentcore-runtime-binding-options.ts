/** Options for binding an agent to an AgentCore Runtime (`AgentCompute.agentCoreRuntime`). */
export interface AgentCoreRuntimeBindingOptions {
  /**
   * Whether the agent may send traces to X-Ray (`xray:PutTraceSegments`, `PutTelemetryRecords`,
   * `GetSamplingRules`, `GetSamplingTargets`) and metrics to the `bedrock-agentcore` CloudWatch
   * namespace only, as AgentCore Runtime's instrumented agents do. Turn it off for an agent that
   * exports no telemetry.
   * @default true
   */
  readonly telemetry?: boolean;
}
