/**
 * Results of a pure function kept by their key, at most `max` of them: when full, the memo
 * starts over (cheaper than tracking use, and the keys of one stack fit many times over). For
 * immutable results only, since every caller with the key shares one.
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string, make: () => V): V {
    if (this.entries.has(key)) return this.entries.get(key) as V;
    const made = make();
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, made);
    return made;
  }
}
