import calculateSlot from 'cluster-key-slot';
import type { StreamFollower } from '../ports';

/**
 * A follower for one group of keys, on a connection of its own, delivering its entries where
 * the grouped follower's go. `sampleKey`, a key of the group, names by its slot the node to read.
 */
export type GroupFollowerFactory = (sampleKey: string) => StreamFollower;

/**
 * A follower for a Redis Cluster: a blocking XREAD may only name keys of one slot (CROSSSLOT
 * otherwise, even when two slots share a node), so the followed streams are grouped by slot (one
 * host's streams share the hash tag `{<host>}`, so a slot) and each group is read by a follower of
 * its own, on a connection of its own. A group's follower is closed when its last stream is unfollowed.
 */
export class SlotGroupedFollower implements StreamFollower {
  private readonly groups = new Map<number, { follower: StreamFollower; keys: Set<string> }>();
  private readonly closing = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly createGroup: GroupFollowerFactory,
    private readonly onClose?: () => void,
  ) {}

  follow(key: string, after: string): void {
    if (this.closed) return;
    const slot = calculateSlot(key);
    let group = this.groups.get(slot);
    if (!group) {
      group = { follower: this.createGroup(key), keys: new Set() };
      this.groups.set(slot, group);
    }
    group.follower.follow(key, after);
    group.keys.add(key);
  }

  unfollow(key: string): void {
    const slot = calculateSlot(key);
    const group = this.groups.get(slot);
    if (!group?.keys.delete(key)) return;
    group.follower.unfollow(key);
    if (group.keys.size > 0) return;
    this.groups.delete(slot);
    const closing = group.follower.close().finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.onClose?.();
    }
    const groups = [...this.groups.values()];
    this.groups.clear();
    await Promise.all([...groups.map((g) => g.follower.close()), ...this.closing]);
  }
}
