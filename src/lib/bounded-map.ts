// An in-process cache that cannot grow without limit: once full, adding a new key drops the oldest one.
// Enough for caches of immutable or short-lived entries, where what matters is a ceiling on memory.
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.limit) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}
