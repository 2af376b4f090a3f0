/**
 * Where a deployed configuration and the secrets it refers to are read from: SSM Parameter Store
 * and Secrets Manager in AWS (`@ledger/config/aws`), a map in unit specs
 * (`@ledger/config/in-memory`).
 */
export interface ParameterSource {
  /** The (decrypted) value of the SSM parameter `name`; a ConfigError when there is none. */
  parameter(name: string): Promise<string>;
  /** The string value of the Secrets Manager secret `id` (name or ARN); a ConfigError when there is none. */
  secret(id: string): Promise<string>;
}
