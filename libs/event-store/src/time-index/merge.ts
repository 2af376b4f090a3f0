/**
 * Merges several ascending async sources into one ascending sequence. Each source must already
 * be sorted by `keyOf`; the merge keeps one item per source in hand.
 */
export async function* mergeSorted<T>(
  sources: AsyncIterator<T>[],
  keyOf: (item: T) => string,
): AsyncGenerator<T> {
  const heads = await Promise.all(sources.map((source) => source.next()));
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head.done) continue;
      if (best === -1 || keyOf(head.value) < keyOf((heads[best] as IteratorYieldResult<T>).value)) {
        best = i;
      }
    }
    if (best === -1) return;
    yield (heads[best] as IteratorYieldResult<T>).value;
    heads[best] = await sources[best].next();
  }
}
