import { renameSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Opt-in count of the DynamoDB requests a process sends, for the bench's `pipeline-ops` scenario:
 * with LEDGER_DYNAMODB_OP_LOG=<path prefix> set, every client `createDynamoDbClient` builds counts
 * its requests by operation and table (items of a batch or transaction each counted under their
 * table), asks the engine for the write units it consumed, and the process writes the running
 * totals to `<prefix>.<pid>-<thread>.json` every half second and on exit. Unset (always, outside
 * the bench), nothing is added to the client.
 */
export const DYNAMODB_OP_LOG_ENV = 'LEDGER_DYNAMODB_OP_LOG';

/** The running totals one process (thread) wrote. */
export interface DynamoDbOpLog {
  pid: number;
  threadId: number;
  writtenAt: string;
  /** Requests by `<Operation> <table>`; a batch or transaction counts once per table it names. */
  requests: Record<string, number>;
  /** Items written or read inside batches and transactions, by `<Operation> <table>`. */
  items: Record<string, number>;
  /** Write units the engine reported, by table or `<table>/<index>`; transactions doubled. */
  writeUnits: Record<string, number>;
}

const FLUSH_MS = 500;
const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'BatchWriteItem',
]);

let shared: { log: DynamoDbOpLog; path: string } | undefined;

/** Adds the counting middleware to `client` when the environment asks for it. */
export function attachOpLogFromEnv(client: DynamoDBClient, env = process.env): void {
  const prefix = env[DYNAMODB_OP_LOG_ENV];
  if (prefix === undefined || prefix === '') return;
  const { log } = (shared ??= startLog(prefix));
  const add = (counts: Record<string, number>, key: string, n = 1): void => {
    counts[key] = (counts[key] ?? 0) + n;
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? '').replace(/Command$/, '');
      const input = args.input as Record<string, unknown>;
      if (WRITES.has(operation)) args.input = { ...input, ReturnConsumedCapacity: 'INDEXES' };
      for (const [table, items] of Object.entries(tablesOf(operation, input))) {
        add(log.requests, `${operation} ${table}`);
        if (items > 0) add(log.items, `${operation} ${table}`, items);
      }
      const result = await next(args);
      const consumed = (
        result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }
      ).ConsumedCapacity;
      // DynamoDB bills a transaction's writes twice; the engine reports them once.
      const factor = operation === 'TransactWriteItems' ? 2 : 1;
      for (const report of [consumed ?? []].flat()) {
        const table = report.TableName ?? '?';
        add(
          log.writeUnits,
          table,
          (report.Table?.CapacityUnits ?? report.CapacityUnits ?? 0) * factor,
        );
        for (const [index, units] of Object.entries(report.GlobalSecondaryIndexes ?? {})) {
          add(log.writeUnits, `${table}/${index}`, units.CapacityUnits ?? 0);
        }
      }
      return result;
    },
    { step: 'initialize', name: 'ledgerDynamoDbOpLog', override: true },
  );
}

function startLog(prefix: string): { log: DynamoDbOpLog; path: string } {
  const log: DynamoDbOpLog = {
    pid: process.pid,
    threadId,
    writtenAt: '',
    requests: {},
    items: {},
    writeUnits: {},
  };
  const path = `${prefix}.${process.pid}-${threadId}.json`;
  const flush = (): void => {
    log.writtenAt = new Date().toISOString();
    // Whole or not at all for a reader: written aside, then renamed over the last one.
    writeFileSync(`${path}.tmp`, JSON.stringify(log));
    renameSync(`${path}.tmp`, path);
  };
  setInterval(flush, FLUSH_MS).unref();
  process.once('exit', flush);
  return { log, path };
}

/** Items per table a request names: 0 for a single-item request, n inside a batch or transaction. */
function tablesOf(operation: string, input: Record<string, unknown>): Record<string, number> {
  if (typeof input.TableName === 'string') return { [input.TableName]: 0 };
  const tables: Record<string, number> = {};
  const requestItems = input.RequestItems as Record<string, unknown> | undefined;
  if (requestItems !== undefined) {
    for (const [table, request] of Object.entries(requestItems)) {
      const keys = (request as { Keys?: unknown[] }).Keys;
      tables[table] = Array.isArray(request) ? request.length : (keys?.length ?? 0);
    }
    return tables;
  }
  const transactItems = (input.TransactItems ?? []) as Record<string, { TableName?: string }>[];
  for (const item of transactItems) {
    for (const part of Object.values(item)) {
      const table = part?.TableName ?? '?';
      tables[table] = (tables[table] ?? 0) + 1;
    }
  }
  if (Object.keys(tables).length === 0) tables[`(${operation})`] = 0;
  return tables;
}
