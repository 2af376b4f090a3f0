import { isContradicted, isUnsettled, paymentStreamId } from '@ledger/ledger';
import type {
  GenerationDocuments,
  PaymentListPage,
  PaymentListQuery,
  UnsettledPage,
  UnsettledPayments,
} from '../payment-view/payment-documents.port';
import type { PaymentDocument } from '../payment-view/payment-view.projection';
import { InvalidCursorError } from '../queries/list-cursors';
import { FIRST_GENERATION } from './dynamodb-payment-documents';

/** The documents of every generation, as one read-models table holds them; shared by twins. */
export type InMemoryReadModelTable = Map<string, PaymentDocument>;

interface ListCursor {
  tenantId: string;
  generation: string;
  sortKey: string;
}

/**
 * Payment documents of one read-model generation in memory: the twin of
 * `DynamoDbPaymentDocuments`. Several instances given the same table see each other's
 * generations, as DynamoDB ones do. Writes are conditional on the stored version; lists are a
 * tenant's payments newest first (by `createdAt`, then payment id), filtered, in pages with an
 * opaque cursor that is refused outside the tenant; the unsettled index lists every tenant's
 * unconcluded payments by their last change. Documents are kept and returned as copies.
 */
export class InMemoryPaymentDocuments implements GenerationDocuments, UnsettledPayments {
  constructor(
    readonly generation: string = FIRST_GENERATION,
    private readonly table: InMemoryReadModelTable = new Map(),
  ) {}

  async get(tenantId: string, paymentId: string): Promise<PaymentDocument | undefined> {
    await Promise.resolve();
    const document = this.table.get(this.keyOf(tenantId, paymentId));
    return document === undefined ? undefined : copy(document);
  }

  async getMany(
    payments: readonly { tenantId: string; paymentId: string }[],
  ): Promise<Map<string, PaymentDocument>> {
    await Promise.resolve();
    const found = new Map<string, PaymentDocument>();
    for (const { tenantId, paymentId } of payments) {
      const document = this.table.get(this.keyOf(tenantId, paymentId));
      if (document !== undefined) found.set(paymentStreamId(tenantId, paymentId), copy(document));
    }
    return found;
  }

  async put(document: PaymentDocument, expectedVersion: number): Promise<boolean> {
    await Promise.resolve();
    const key = this.keyOf(document.tenantId, document.paymentId);
    const stored = this.table.get(key);
    const holds =
      expectedVersion === 0 ? stored === undefined : stored?.version === expectedVersion;
    if (!holds) return false;
    this.table.set(key, copy(document));
    return true;
  }

  async overwriteMany(documents: readonly PaymentDocument[]): Promise<void> {
    await Promise.resolve();
    for (const document of documents) {
      this.table.set(this.keyOf(document.tenantId, document.paymentId), copy(document));
    }
  }

  async list(query: PaymentListQuery): Promise<PaymentListPage> {
    await Promise.resolve();
    const after = query.cursor === undefined ? undefined : this.decodeCursor(query);
    const lower = query.from ?? '0';
    const upper = query.to ?? '~';
    const matching = this.documents()
      .filter((document) => document.tenantId === query.tenantId)
      .map((document) => ({ document, sortKey: listSortKey(document) }))
      // As the DynamoDB index bounds it: `createdAt#paymentId` between `from` and `to`.
      .filter(({ sortKey }) => sortKey >= lower && sortKey <= upper)
      .filter(({ sortKey }) => after === undefined || sortKey < after)
      .filter(({ document }) => matches(document, query))
      .sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0));
    const page = matching.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ document }) => copy(document)),
      nextCursor:
        matching.length > query.limit && last !== undefined
          ? encode({
              tenantId: query.tenantId,
              generation: this.generation,
              sortKey: last.sortKey,
            })
          : undefined,
    };
  }

  async unsettledBefore(
    updatedBefore: string,
    page: { limit: number; cursor?: string },
  ): Promise<UnsettledPage> {
    await Promise.resolve();
    const after = page.cursor === undefined ? undefined : decodeUnsettled(page.cursor);
    const unsettled = this.documents()
      .filter((document) => isUnsettled(document.state))
      .map((document) => {
        const updatedAt = document.state.updatedAt ?? document.state.createdAt ?? '';
        return {
          sortKey: `${updatedAt}#${document.tenantId}#${document.paymentId}`,
          item: {
            tenantId: document.tenantId,
            paymentId: document.paymentId,
            status: document.state.status ?? 'requested',
            updatedAt,
          },
        };
      })
      .filter(({ sortKey }) => sortKey < updatedBefore)
      .filter(({ sortKey }) => after === undefined || sortKey > after)
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    const items = unsettled.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map(({ item }) => item),
      ...(unsettled.length > page.limit &&
        last !== undefined && {
          nextCursor: Buffer.from(JSON.stringify({ after: last.sortKey })).toString('base64url'),
        }),
    };
  }

  private documents(): PaymentDocument[] {
    const suffix = `|${this.generation}`;
    return [...this.table.entries()]
      .filter(([key]) => key.endsWith(suffix))
      .map(([, document]) => document);
  }

  private keyOf(tenantId: string, paymentId: string): string {
    return `${tenantId}#payment#${paymentId}|${this.generation}`;
  }

  /** Refuses a cursor of another tenant, generation or shape, as the DynamoDB adapter does. */
  private decodeCursor(query: PaymentListQuery): string {
    let cursor: Partial<ListCursor>;
    try {
      cursor = JSON.parse(
        Buffer.from(query.cursor ?? '', 'base64url').toString('utf8'),
      ) as Partial<ListCursor>;
    } catch {
      throw new InvalidCursorError('The cursor is malformed');
    }
    const valid =
      cursor !== null &&
      typeof cursor === 'object' &&
      cursor.tenantId === query.tenantId &&
      cursor.generation === this.generation &&
      typeof cursor.sortKey === 'string' &&
      cursor.sortKey !== '';
    if (!valid) throw new InvalidCursorError('The cursor is not valid here');
    return cursor.sortKey as string;
  }
}

function listSortKey(document: PaymentDocument): string {
  return `${document.state.createdAt ?? ''}#${document.paymentId}`;
}

function matches(document: PaymentDocument, query: PaymentListQuery): boolean {
  if (query.status !== undefined && document.state.status !== query.status) return false;
  if (query.customerId !== undefined && document.state.customerId !== query.customerId) {
    return false;
  }
  if (query.contradicted !== undefined && isContradicted(document.state) !== query.contradicted) {
    return false;
  }
  return true;
}

function encode(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeUnsettled(cursor: string): string {
  let position: { after?: unknown };
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      after?: unknown;
    };
  } catch {
    throw new InvalidCursorError('The cursor is not a position of the unsettled index');
  }
  if (typeof position?.after !== 'string') {
    throw new InvalidCursorError('The cursor is not a position of the unsettled index');
  }
  return position.after;
}

/** A document as the DynamoDB adapter round-trips it: its state through JSON. */
function copy(document: PaymentDocument): PaymentDocument {
  return {
    tenantId: document.tenantId,
    paymentId: document.paymentId,
    version: document.version,
    state: JSON.parse(JSON.stringify(document.state)) as PaymentDocument['state'],
  };
}
