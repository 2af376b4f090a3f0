import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** One request sent to DynamoDB, as the meter saw it. */
export interface MeteredOperation {
  /** The API operation: `PutItem`, `GetItem`, `BatchGetItem`... */
  operation: string;
  /** The table's name without the ledger's prefix (`events`, `meta`...); several: joined by `,`. */
  table: string;
  /** A label the caller set with `phase` (e.g. "intake"). */
  phase: string;
  write: boolean;
}

const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'BatchWriteItem',
]);

/**
 * Counts the requests a piece of work sends to DynamoDB (reads and writes, one per API call,
 * whatever it carries), by phase. A request the SDK retries is counted once.
 */
export class OperationMeter {
  readonly operations: MeteredOperation[] = [];
  private currentPhase = '';
  private readonly attached: DynamoDBClient[] = [];
  private readonly name = `operationMeter-${Math.random().toString(36).slice(2)}`;

  constructor(private readonly prefix: string) {}

  /** Labels the requests that follow. */
  phase(label: string): void {
    this.currentPhase = label;
  }

  /** Starts counting every request sent on `client` (and the document clients over it). */
  attach(client: DynamoDBClient): void {
    this.attached.push(client);
    client.middlewareStack.add(
      (next, context) => (args) => {
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        this.operations.push({
          operation,
          table: this.tablesOf(args.input as Record<string, unknown>),
          phase: this.currentPhase,
          write: WRITES.has(operation),
        });
        return next(args);
      },
      { step: 'initialize', name: this.name, override: true },
    );
  }

  detach(): void {
    for (const client of this.attached.splice(0)) client.middlewareStack.remove(this.name);
  }

  /** The requests of one phase (of every phase when none is given). */
  of(phase?: string): MeteredOperation[] {
    return this.operations.filter((op) => phase === undefined || op.phase === phase);
  }

  /** `<phase>: <Operation> <table>` per request, in the order sent. */
  describe(filter: (op: MeteredOperation) => boolean = () => true): string[] {
    return this.operations.filter(filter).map((op) => `${op.phase}: ${op.operation} ${op.table}`);
  }

  private tablesOf(input: Record<string, unknown>): string {
    const strip = (name: string): string =>
      name.startsWith(this.prefix) ? name.slice(this.prefix.length) : name;
    if (typeof input.TableName === 'string') return strip(input.TableName);
    const requestItems = input.RequestItems as Record<string, unknown> | undefined;
    if (requestItems !== undefined) return Object.keys(requestItems).map(strip).join(',');
    const transactItems = input.TransactItems as
      Record<string, { TableName?: string }>[] | undefined;
    if (transactItems !== undefined) {
      const tables = transactItems.flatMap((item) =>
        Object.values(item).map((part) => strip(part.TableName ?? '')),
      );
      return [...new Set(tables)].join(',');
    }
    return '';
  }
}
