/**
 * Rows read by one column (a provider's or server's name, a DAV server's URL), grouped
 * by its exact value, each group in id order, so that "the first row, in id order, whose
 * columns all equal these" is found among the few rows sharing the key instead of the
 * whole table. Rows created afterwards are appended to their group; their ids are
 * higher than those read, so each group stays in id order.
 */
export class RowsByKey<E extends { readonly id: number }> {
  private readonly groups = new Map<string, E[]>();

  constructor(
    private readonly keyOf: (row: E) => string,
    rows: Iterable<E> = [],
  ) {
    for (const row of [...rows].sort((a, b) => a.id - b.id)) this.add(row);
  }

  /** The first row (in id order) whose key is exactly `key` and that `matches`. */
  find(key: string, matches: (row: E) => boolean = () => true): E | undefined {
    return this.groups.get(key)?.find(matches);
  }

  add(row: E): void {
    const key = this.keyOf(row);
    const group = this.groups.get(key);
    if (group) group.push(row);
    else this.groups.set(key, [row]);
  }
}
