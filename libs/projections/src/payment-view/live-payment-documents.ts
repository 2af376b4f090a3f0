import type { PaymentDocument } from './payment-view.projection';
import type { PaymentDocuments, PaymentListPage, PaymentListQuery } from './payment-documents.port';
import type { ReadModelGenerations } from './read-model-generations.port';

/** Payment documents of one named generation. */
export type DocumentsOfGeneration = (generation: string) => PaymentDocuments;

/**
 * The read model as queries and the projector see it: reads go to the live generation; the
 * projector writes to the live one and, during a blue/green rebuild, to the one being built.
 */
export class LivePaymentDocuments implements PaymentDocuments {
  private readonly byGeneration = new Map<string, PaymentDocuments>();

  constructor(
    private readonly generations: ReadModelGenerations,
    private readonly documentsOf: DocumentsOfGeneration,
  ) {}

  async get(tenantId: string, paymentId: string): Promise<PaymentDocument | undefined> {
    return (await this.live()).get(tenantId, paymentId);
  }

  async put(document: PaymentDocument, expectedVersion: number): Promise<boolean> {
    return (await this.live()).put(document, expectedVersion);
  }

  async list(query: PaymentListQuery): Promise<PaymentListPage> {
    return (await this.live()).list(query);
  }

  /** Every generation a projector must keep up to date: live, and the one being built. */
  async writeTargets(): Promise<PaymentDocuments[]> {
    const { live, building } = await this.generations.current();
    return [live, building].filter((g): g is string => g !== undefined).map((g) => this.of(g));
  }

  private async live(): Promise<PaymentDocuments> {
    return this.of((await this.generations.current()).live);
  }

  private of(generation: string): PaymentDocuments {
    let documents = this.byGeneration.get(generation);
    if (documents === undefined) {
      documents = this.documentsOf(generation);
      this.byGeneration.set(generation, documents);
    }
    return documents;
  }
}
