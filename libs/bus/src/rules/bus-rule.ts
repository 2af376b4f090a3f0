/** An EventBridge rule as template.yaml declares it, reduced to what local routing needs. */
export interface BusRule {
  /** `<FunctionLogicalId>.<EventName>` for a function's EventBridgeRule event, else the rule's id. */
  name: string;
  eventBusName: string;
  pattern: Record<string, unknown>;
  /** Logical ids of the target functions. */
  targets: string[];
}
