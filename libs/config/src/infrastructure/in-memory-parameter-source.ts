import { ConfigError } from '../config.errors';
import type { ParameterSource } from '../parameter-source.port';

/** SSM parameters and Secrets Manager secrets held in maps, counting each read: for unit specs. */
export class InMemoryParameterSource implements ParameterSource {
  /** How many times each parameter or secret was read, by `ssm:<name>` / `secretsmanager:<id>`. */
  readonly reads = new Map<string, number>();

  constructor(
    private readonly parameters: Readonly<Record<string, string>> = {},
    private readonly secrets: Readonly<Record<string, string>> = {},
  ) {}

  parameter(name: string): Promise<string> {
    return this.#read(`SSM parameter ${name}`, `ssm:${name}`, this.parameters[name]);
  }

  secret(id: string): Promise<string> {
    return this.#read(`Secrets Manager secret ${id}`, `secretsmanager:${id}`, this.secrets[id]);
  }

  #read(what: string, key: string, value: string | undefined): Promise<string> {
    this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
    if (value === undefined) {
      return Promise.reject(new ConfigError(`Cannot read the ${what}: there is none`));
    }
    return Promise.resolve(value);
  }
}
