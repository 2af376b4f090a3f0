import {
  GetItemCommand,
  type AttributeValue,
  type ConsumedCapacity,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { itemSizeBytes } from '@ledger/event-store/aws';
import { localTableNameOf, readCloudFormationTemplate } from './cloudformation-template';

type Item = Record<string, AttributeValue>;

/** How one global secondary index copies a table's items, as template.yaml declares it. */
export interface IndexShape {
  name: string;
  keys: string[];
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  nonKeyAttributes: string[];
}

/** A table's key attributes and its indexes. */
export interface TableShape {
  keys: string[];
  indexes: IndexShape[];
}

/** One write request as DynamoDB bills it: the table's units plus each index's. */
export interface MeteredWrite {
  /** The API operation (`PutItem`, `TransactWriteItems`...) and, inside a batch, the item's. */
  operation: string;
  /** The table's name without the ledger's prefix (`events`, `meta`...). */
  table: string;
  /** A label the caller set with `phase` (e.g. "intake"). */
  phase: string;
  itemBytes: number;
  tableUnits: number;
  /** Write units per index the item is (or was) projected into. */
  indexUnits: Record<string, number>;
  units: number;
  /** The write's condition failed (it is billed all the same). */
  failed: boolean;
}

const KB = 1024;
const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'BatchWriteItem',
]);
const unitsOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / KB));

interface TemplateTable {
  Type: string;
  Properties: {
    KeySchema: { AttributeName: string }[];
    GlobalSecondaryIndexes?: {
      IndexName: string;
      KeySchema: { AttributeName: string }[];
      Projection: { ProjectionType: IndexShape['projection']; NonKeyAttributes?: string[] };
    }[];
  };
}

/**
 * The tables of template.yaml by their local name less the prefix (`events`, `read-models`...), with
 * their keys and index projections, so a count follows the deployed definitions.
 */
export function templateTableShapes(templatePath: string): Record<string, TableShape> {
  const template = readCloudFormationTemplate<{ Resources: Record<string, TemplateTable> }>(
    templatePath,
  );
  const shapes: Record<string, TableShape> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::DynamoDB::Table') continue;
    const { KeySchema, GlobalSecondaryIndexes = [] } = resource.Properties;
    // CloudFormation names the tables; locally they are `<prefix><name>`.
    shapes[localTableNameOf(logicalId)] = {
      keys: KeySchema.map((key) => key.AttributeName),
      indexes: GlobalSecondaryIndexes.map((index) => ({
        name: index.IndexName,
        keys: index.KeySchema.map((key) => key.AttributeName),
        projection: index.Projection.ProjectionType,
        nonKeyAttributes: index.Projection.NonKeyAttributes ?? [],
      })),
    };
  }
  return shapes;
}

interface PlannedWrite {
  operation: string;
  tableName: string;
  key: Item;
  /** The whole new item of a put; undefined for an update (read back) or a delete. */
  item?: Item;
  deletes: boolean;
  transactional: boolean;
}

export interface WriteMeterOptions {
  /** The ledger's table prefix (`TestLedger.prefix`). */
  prefix: string;
  shapes: Record<string, TableShape>;
  /** A client of its own, to read items before and after a write without being metered. */
  reader: DynamoDBClient;
}

/**
 * Counts the write units a piece of work costs on DynamoDB on demand, by DynamoDB's billing rules:
 * 1 unit per started KB of the larger of the old and new item, at least 1 (a delete of a missing
 * item too); 2x inside a transaction (condition checks included); a failed condition is billed
 * as a write; each index the item is projected into costs a write of the projected part, two
 * (delete + put) when its index key changes, none when nothing it projects changed. It also asks
 * the engine for `ConsumedCapacity` (INDEXES), to compare where the engine reports it.
 *
 * It reads each written item before and after the write with its own client, so it suits
 * sequential test scenarios, not concurrent load.
 */
export class WriteMeter {
  readonly writes: MeteredWrite[] = [];
  /** What the engine reported, per request, when it reported anything. */
  readonly consumed: ConsumedCapacity[] = [];
  private currentPhase = '';
  private attachedTo: DynamoDBClient | undefined;
  private readonly name = `writeMeter-${Math.random().toString(36).slice(2)}`;

  constructor(private readonly options: WriteMeterOptions) {}

  /** Labels the writes that follow. */
  phase(label: string): void {
    this.currentPhase = label;
  }

  /** Starts metering every write sent on `client` (and the document clients over it). */
  attach(client: DynamoDBClient): void {
    this.attachedTo = client;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        const input = args.input as Record<string, unknown>;
        const planned = planWrites(operation, input);
        if (planned.length === 0) return next(args);
        const before = await Promise.all(planned.map((write) => this.read(write)));
        let failed = false;
        try {
          const output = await next(args);
          const reported = (
            output.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }
          ).ConsumedCapacity;
          if (reported !== undefined) this.consumed.push(...[reported].flat());
          return output;
        } catch (error) {
          failed = true;
          throw error;
        } finally {
          for (const [i, write] of planned.entries()) {
            const after = failed ? before[i] : await this.after(write);
            this.writes.push(this.bill(write, before[i], after, failed));
          }
        }
      },
      { step: 'build', name: this.name, override: true },
    );
    // Asked for before the request is serialised (the metering above runs after).
    client.middlewareStack.add(
      (next, context) => (args) => {
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        if (WRITE_OPERATIONS.has(operation)) {
          args.input = { ...args.input, ReturnConsumedCapacity: 'INDEXES' };
        }
        return next(args);
      },
      { step: 'initialize', name: `${this.name}-capacity`, override: true },
    );
  }

  detach(): void {
    this.attachedTo?.middlewareStack.remove(this.name);
    this.attachedTo?.middlewareStack.remove(`${this.name}-capacity`);
    this.attachedTo = undefined;
  }

  /** All write units metered (of one phase, when given). */
  total(phase?: string): number {
    return this.writes
      .filter((write) => phase === undefined || write.phase === phase)
      .reduce((sum, write) => sum + write.units, 0);
  }

  /**
   * The units the engine reported through `ConsumedCapacity` (DynamoDB Local reports them, but
   * without the transactional 2x, which `transactionSurcharge` gives).
   */
  reportedTotal(): number {
    return this.consumed.reduce((sum, report) => sum + (report.CapacityUnits ?? 0), 0);
  }

  /** What transactions add over plain writes of the same items: half their table units. */
  transactionSurcharge(): number {
    return this.writes
      .filter((write) => write.operation.startsWith('TransactWriteItems/'))
      .reduce((sum, write) => sum + write.tableUnits / 2, 0);
  }

  /** Units per phase, per table and index: `{ intake: { events: 1, 'events/time-index': 1 } }`. */
  breakdown(): Record<string, Record<string, number>> {
    const result: Record<string, Record<string, number>> = {};
    for (const write of this.writes) {
      const phase = (result[write.phase] ??= {});
      phase[write.table] = (phase[write.table] ?? 0) + write.tableUnits;
      for (const [index, units] of Object.entries(write.indexUnits)) {
        const name = `${write.table}/${index}`;
        phase[name] = (phase[name] ?? 0) + units;
      }
    }
    return result;
  }

  private tableOf(tableName: string): string {
    return tableName.startsWith(this.options.prefix)
      ? tableName.slice(this.options.prefix.length)
      : tableName;
  }

  private async read(write: PlannedWrite): Promise<Item | undefined> {
    const keys = this.options.shapes[this.tableOf(write.tableName)]?.keys;
    const key =
      keys === undefined
        ? write.key
        : Object.fromEntries(keys.map((name) => [name, write.key[name]]));
    const { Item } = await this.options.reader.send(
      new GetItemCommand({ TableName: write.tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }

  private async after(write: PlannedWrite): Promise<Item | undefined> {
    if (write.deletes) return undefined;
    return write.item ?? (await this.read(write));
  }

  private bill(
    write: PlannedWrite,
    before: Item | undefined,
    after: Item | undefined,
    failed: boolean,
  ): MeteredWrite {
    const table = this.tableOf(write.tableName);
    const shape = this.options.shapes[table];
    const itemBytes = Math.max(sizeOf(before), sizeOf(failed ? write.item : after));
    const tableUnits = unitsOf(itemBytes) * (write.transactional ? 2 : 1);
    const indexUnits: Record<string, number> = {};
    if (!failed && shape !== undefined) {
      for (const index of shape.indexes) {
        const units = indexWriteUnits(shape, index, before, after);
        if (units > 0) indexUnits[index.name] = units;
      }
    }
    const units = tableUnits + Object.values(indexUnits).reduce((sum, n) => sum + n, 0);
    return {
      operation: write.operation,
      table,
      phase: this.currentPhase,
      itemBytes,
      tableUnits,
      indexUnits,
      units,
      failed,
    };
  }
}

const sizeOf = (item: Item | undefined): number => (item === undefined ? 0 : itemSizeBytes(item));

/** What an index holds of an item (undefined when the item lacks one of its keys: sparse). */
function projected(shape: TableShape, index: IndexShape, item: Item | undefined): Item | undefined {
  if (item === undefined || index.keys.some((key) => item[key] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const names = new Set([...shape.keys, ...index.keys, ...index.nonKeyAttributes]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

function indexWriteUnits(
  shape: TableShape,
  index: IndexShape,
  before: Item | undefined,
  after: Item | undefined,
): number {
  const old = projected(shape, index, before);
  const next = projected(shape, index, after);
  if (old === undefined && next === undefined) return 0;
  if (old === undefined) return unitsOf(sizeOf(next));
  if (next === undefined) return unitsOf(sizeOf(old));
  const sameKey = index.keys.every((key) => JSON.stringify(old[key]) === JSON.stringify(next[key]));
  if (!sameKey) return unitsOf(sizeOf(old)) + unitsOf(sizeOf(next));
  if (JSON.stringify(sorted(old)) === JSON.stringify(sorted(next))) return 0;
  return unitsOf(Math.max(sizeOf(old), sizeOf(next)));
}

const sorted = (item: Item): [string, AttributeValue][] =>
  Object.entries(item).sort(([a], [b]) => a.localeCompare(b));

/** The items a write request touches (nothing for a read). */
function planWrites(operation: string, input: Record<string, unknown>): PlannedWrite[] {
  const single = (
    op: string,
    request: Record<string, unknown>,
    transactional: boolean,
  ): PlannedWrite | undefined => {
    const tableName = request.TableName as string;
    switch (op) {
      case 'PutItem':
      case 'Put': {
        const item = request.Item as Item;
        return { operation: op, tableName, key: item, item, deletes: false, transactional };
      }
      case 'UpdateItem':
      case 'Update':
        return {
          operation: op,
          tableName,
          key: request.Key as Item,
          deletes: false,
          transactional,
        };
      case 'DeleteItem':
      case 'Delete':
        return { operation: op, tableName, key: request.Key as Item, deletes: true, transactional };
      case 'ConditionCheck':
        return {
          operation: op,
          tableName,
          key: request.Key as Item,
          deletes: false,
          transactional,
        };
      default:
        return undefined;
    }
  };
  const planned: PlannedWrite[] = [];
  if (operation === 'TransactWriteItems') {
    for (const entry of input.TransactItems as Record<string, Record<string, unknown>>[]) {
      const [op, request] = Object.entries(entry)[0];
      const write = single(op, request, true);
      if (write) planned.push({ ...write, operation: `TransactWriteItems/${op}` });
    }
  } else if (operation === 'BatchWriteItem') {
    const requests = input.RequestItems as Record<
      string,
      Record<string, { Item?: Item; Key?: Item }>[]
    >;
    for (const [tableName, list] of Object.entries(requests)) {
      for (const request of list) {
        const put = request.PutRequest;
        const del = request.DeleteRequest;
        if (put?.Item) {
          planned.push({
            operation: 'BatchWriteItem/Put',
            tableName,
            key: put.Item,
            item: put.Item,
            deletes: false,
            transactional: false,
          });
        } else if (del?.Key) {
          planned.push({
            operation: 'BatchWriteItem/Delete',
            tableName,
            key: del.Key,
            deletes: true,
            transactional: false,
          });
        }
      }
    }
  } else {
    const write = single(operation, input, false);
    if (write) planned.push(write);
  }
  return planned;
}
