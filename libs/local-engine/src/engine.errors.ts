import { LedgerError } from '@ledger/errors';

/** No Java runtime: DynamoDB Local cannot start. */
export class JavaMissingError extends LedgerError {
  readonly code = 'java_missing';
  readonly status = 500;

  constructor() {
    super(
      'DynamoDB Local needs a Java runtime (17 or newer) and none was found on PATH. ' +
        'Install one, e.g. `apt-get install -y openjdk-17-jre-headless`, ' +
        'or set DYNAMODB_ENDPOINT to use a DynamoDB you already run.',
    );
  }
}

/** The configured port is taken by another process. */
export class PortInUseError extends LedgerError {
  readonly code = 'port_in_use';
  readonly status = 500;

  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(`Port ${port} is already in use. Stop what holds it, or set ${variable} to a free port.`);
  }
}

/** A table was created but did not become ACTIVE (with its indexes) in time. */
export class TableNotActiveError extends LedgerError {
  readonly code = 'table_not_active';
  readonly status = 503;

  constructor(readonly table: string | undefined) {
    super(`Table ${table} did not become ACTIVE`);
  }
}

/** The engine started but never answered, or exited at once. */
export class EngineStartError extends LedgerError {
  readonly code = 'engine_start_failed';
  readonly status = 500;
}
