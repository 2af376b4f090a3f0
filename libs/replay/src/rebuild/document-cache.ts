/** Documents a run wrote, newest last; the oldest go first once `limit` is reached. */
export class DocumentCache<TDocument> {
  private readonly entries = new Map<string, TDocument>();

  constructor(private readonly limit: number) {}

  get(streamId: string): TDocument | undefined {
    return this.entries.get(streamId);
  }

  set(streamId: string, document: TDocument): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, document);
    if (this.entries.size > this.limit) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}
