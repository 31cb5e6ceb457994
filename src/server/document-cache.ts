/**
 * Parsed documents by their query text, the least recently used out first, bounded by the total length of the
 * texts kept. A parsed document holds up to ~100 bytes per character of its text (graphql-js keeps every token's
 * location): bounded by count alone, 500 documents of 10,000 characters pinned ~480 MB, and any client may send
 * 500 distinct ones. 300,000 characters is ~30 MB at worst, and far more than a storefront's documents.
 */
export class DocumentCache<T> {
  private readonly entries = new Map<string, T>();
  private chars = 0;

  constructor(
    private readonly maxChars = 300_000,
    /** Longer texts are not kept (parsed again each time). */
    readonly maxEntryChars = 10_000,
  ) {}

  get(query: string): T | undefined {
    const hit = this.entries.get(query);
    if (hit !== undefined) {
      // Map keeps insertion order: re-inserting marks it the most recently used.
      this.entries.delete(query);
      this.entries.set(query, hit);
    }
    return hit;
  }

  has(query: string): boolean {
    return this.entries.has(query);
  }

  set(query: string, value: T): void {
    if (query.length > this.maxEntryChars) return;
    if (this.entries.delete(query)) this.chars -= query.length;
    while (this.entries.size && this.chars + query.length > this.maxChars) {
      const oldest = this.entries.keys().next().value!;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
    this.entries.set(query, value);
    this.chars += query.length;
  }

  get size(): number {
    return this.entries.size;
  }
}
