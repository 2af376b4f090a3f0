import type { StoredEvent } from '@ledger/event-store';
import type { ReadModelGenerations } from '@ledger/projections';

/** A projection's document: whatever it folds, and the last stream version folded in. */
export interface ProjectedDocument {
  version: number;
}

/** Which entity a folded stream is, for scopes (a tenant, one entity) and for messages. */
export interface ProjectedStream {
  tenantId: string;
  id: string;
}

/** Reads versions `from..to` (both included) of the stream being folded. */
export type ReadRange = (fromVersion: number, toVersion: number) => Promise<StoredEvent[]>;

/** How a projection folds its streams: what replay needs to rebuild or verify it. */
export interface ProjectionFold<TDocument extends ProjectedDocument> {
  /** The entity of a stream this projection folds; undefined for every other stream. */
  streamOf(streamId: string): ProjectedStream | undefined;
  /** The stream of one entity (a rebuild scoped to one payment, say). */
  streamIdOf(tenantId: string, id: string): string;
  /** `evolve(document | null, event) -> document`, the projection's own. */
  evolve(document: TDocument | null, event: StoredEvent): TDocument;
  /**
   * Folds `incoming` onto `document`, filling a gap in versions through `readRange`; undefined
   * when `incoming` is already folded in.
   */
  catchUp(
    document: TDocument | null,
    incoming: StoredEvent,
    readRange: ReadRange,
  ): Promise<TDocument | undefined>;
}

/** Where the documents of one read-model generation go, keyed by the stream they fold. */
export interface ProjectionDocuments<TDocument extends ProjectedDocument> {
  get(streamId: string): Promise<TDocument | undefined>;
  /** Writes if the stored document is still at `expectedVersion` (0 = none); false otherwise. */
  put(document: TDocument, expectedVersion: number): Promise<boolean>;
  /**
   * Writes documents of different streams whatever is stored: only for a blue/green bulk phase,
   * whose catch-up re-folds every stream that changed meanwhile.
   */
  overwriteMany(documents: readonly TDocument[]): Promise<void>;
}

/** A projection a rebuild can rebuild: how it folds, and where its generations' documents go. */
export interface RebuildableProjection<
  TDocument extends ProjectedDocument,
> extends ProjectionFold<TDocument> {
  /** The pointer saying which generation is live and which one is being built. */
  readonly generations: ReadModelGenerations;
  documentsOf(generation: string): ProjectionDocuments<TDocument>;
}
