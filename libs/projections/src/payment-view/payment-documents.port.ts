import type { PaymentStatus } from '@ledger/ledger';
import type { PaymentDocument } from './payment-view.projection';

export interface PaymentListQuery {
  tenantId: string;
  status?: PaymentStatus;
  customerId?: string;
  /** Only payments the gateway has contradicted (`true`), or only the others (`false`). */
  contradicted?: boolean;
  /** Inclusive lower bound on `createdAt` (ISO-8601). */
  from?: string;
  /** Exclusive upper bound on `createdAt` (ISO-8601). */
  to?: string;
  limit: number;
  cursor?: string;
}

export interface PaymentListPage {
  items: PaymentDocument[];
  nextCursor?: string;
}

/** A payment whose charge is not concluded, as the unsettled index lists it. */
export interface UnsettledPayment {
  tenantId: string;
  paymentId: string;
  status: string;
  /** When the payment last changed (its state's `updatedAt`). */
  updatedAt: string;
}

/** One page of unsettled payments, oldest change first within each shard of the index. */
export interface UnsettledPage {
  items: UnsettledPayment[];
  /** Opaque; absent on the last page. */
  nextCursor?: string;
}

/**
 * Store-wide: payments of every tenant whose charge is not concluded and that have not changed
 * since `updatedBefore`, from a sparse index (never a scan of the events). For the sweeper only.
 */
export interface UnsettledPayments {
  unsettledBefore(
    updatedBefore: string,
    page: { limit: number; cursor?: string },
  ): Promise<UnsettledPage>;
}

/** Where payment documents live: read by queries, written by the projector only. */
export interface PaymentDocuments {
  get(tenantId: string, paymentId: string): Promise<PaymentDocument | undefined>;
  /**
   * Several documents in as few requests as the store allows, each read as `get` reads it, by
   * the payment's stream id (absent: none stored). Optional: a store without it is read one by one.
   */
  getMany?(
    payments: readonly { tenantId: string; paymentId: string }[],
  ): Promise<Map<string, PaymentDocument>>;
  /**
   * Writes `document` if the stored one is still at `expectedVersion` (0 = none yet); false when
   * another writer got there first.
   */
  put(document: PaymentDocument, expectedVersion: number): Promise<boolean>;
  list(query: PaymentListQuery): Promise<PaymentListPage>;
}

/**
 * The documents of one named generation, with the bulk write a blue/green rebuild's bulk phase
 * needs. Not on the live read model: nothing may write it without conditions.
 */
export interface GenerationDocuments extends PaymentDocuments {
  /**
   * Writes documents (of different payments) whatever is stored, in as few requests as the store
   * allows. Only for a writer whose races another pass repairs: the bulk phase of a blue/green
   * rebuild, whose catch-up re-folds every payment that changed meanwhile.
   */
  overwriteMany(documents: readonly PaymentDocument[]): Promise<void>;
}
