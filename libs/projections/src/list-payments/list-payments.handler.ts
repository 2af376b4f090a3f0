import type { PaymentDocuments } from '../payment-view/payment-documents.port';
import { ListCursors } from '../queries/list-cursors';
import { toPaymentView, type PaymentView } from '../queries/payment-view';
import type { ListPayments } from './list-payments.query';

export interface PaymentListView {
  items: PaymentView[];
  nextCursor?: string;
}

/**
 * Handles {@link ListPayments} from the read model. Cursors are sealed (see {@link ListCursors})
 * for the tenant and every filter but the page size, so a forged or re-aimed one is refused
 * before the store.
 */
export class ListPaymentsHandler {
  private readonly cursors: ListCursors;

  constructor(
    private readonly documents: PaymentDocuments,
    /** The key list cursors are sealed with (configuration `api.cursorKey`); none = per process. */
    cursorKey?: string,
  ) {
    this.cursors = new ListCursors(cursorKey);
  }

  async execute({ filter }: ListPayments): Promise<PaymentListView> {
    const { cursor, limit: _limit, ...filters } = filter;
    const page = await this.documents.list({
      ...filter,
      cursor: cursor === undefined ? undefined : this.cursors.open(cursor, filters),
    });
    return {
      items: page.items.map(toPaymentView),
      ...(page.nextCursor && { nextCursor: this.cursors.seal(page.nextCursor, filters) }),
    };
  }
}
