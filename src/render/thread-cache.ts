/**
 * A map kept for the life of a thread (shaped words, hyphenation points, cover text): short stories
 * share most of their words, so what one book learns the next one uses. Bounded: when full, the
 * oldest quarter of the entries is let go (a long book's rare words).
 */
export class ThreadCache<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    if (this.map.size >= this.limit) {
      let drop = this.limit >> 2;
      for (const k of this.map.keys()) {
        this.map.delete(k);
        if (--drop === 0) break;
      }
    }
    this.map.set(ownString(key), value);
  }
}

/**
 * V8 keeps a substring of 13 characters or more as a slice of (or a pair of pointers into) the text
 * it was cut from; a key kept for the thread is copied so it does not hold a whole page of an
 * earlier book.
 */
function ownString(text: string): string {
  return text.length < 13 ? text : text.split('').join('');
}
