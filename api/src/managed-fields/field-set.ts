/**
 * A set of field paths, stored as a trie the way structured-merge-diff stores it: at each level
 * the elements that are members themselves, and the elements that have members below them. A
 * path being a member says nothing about its parent; `{.spec.replicas}` does not contain
 * `.spec`.
 */
import {
  comparePathElements,
  pathString,
  serializePathElement,
  type FieldPath,
  type PathElement,
} from './path-element.ts';

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

/**
 * Sets are built with `insert` / `insertMember` / `descend` and treated as immutable afterwards:
 * the set operations share subsets between their inputs and results.
 */
export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, Child>();

  static of(...paths: FieldPath[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path (not its parents). The empty path, the whole object, is never a member. */
  insert(path: FieldPath): void {
    if (path.length === 0) return;
    if (path.length === 1) this.insertMember(path[0]);
    else this.descend(path[0]).insert(path.slice(1));
  }

  /** Adds a member at this level. */
  insertMember(pe: PathElement): void {
    this.members.set(serializePathElement(pe), pe);
  }

  /** The subset below `pe`, created when missing; for building sets only. */
  descend(pe: PathElement): FieldSet {
    const key = serializePathElement(pe);
    let child = this.children.get(key);
    if (child === undefined) {
      child = { pe, set: new FieldSet() };
      this.children.set(key, child);
    }
    return child.set;
  }

  /** Puts `set` below `pe`, replacing what was there; for building sets only. */
  attachChild(pe: PathElement, set: FieldSet): void {
    this.children.set(serializePathElement(pe), { pe, set });
  }

  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    if (path.length === 1) return this.hasMember(path[0]);
    return this.children.get(serializePathElement(path[0]))?.set.has(path.slice(1)) ?? false;
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializePathElement(pe));
  }

  /** The paths below `pe`, without the `pe` prefix. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializePathElement(pe))?.set ?? new FieldSet();
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.isEmpty()) return false;
    return true;
  }

  size(): number {
    let n = this.members.size;
    for (const c of this.children.values()) n += c.set.size();
    return n;
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const s of [this, other]) {
      for (const [k, pe] of s.members) out.members.set(k, pe);
    }
    for (const key of new Set([...this.children.keys(), ...other.children.keys()])) {
      const a = this.children.get(key);
      const b = other.children.get(key);
      const set = a && b ? a.set.union(b.set) : (a ?? b)!.set;
      out.children.set(key, { pe: (a ?? b)!.pe, set });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (other.members.has(k)) out.members.set(k, pe);
    for (const [key, a] of this.children) {
      const b = other.children.get(key);
      if (b === undefined) continue;
      const set = a.set.intersection(b.set);
      if (!set.isEmpty()) out.children.set(key, { pe: a.pe, set });
    }
    return out;
  }

  /** Leaf by leaf: a member stays unless `other` has the same path as a member. */
  difference(other: FieldSet): FieldSet {
    return this.subtract(other, false);
  }

  /** Like `difference`, but a member of `other` also removes everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    return this.subtract(other, true);
  }

  private subtract(other: FieldSet, recursive: boolean): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!other.members.has(k)) out.members.set(k, pe);
    for (const [key, a] of this.children) {
      if (recursive && other.members.has(key)) continue;
      const b = other.children.get(key);
      const set = b === undefined ? a.set : a.set.subtract(b.set, recursive);
      if (!set.isEmpty()) out.children.set(key, { pe: a.pe, set });
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** Members at this level, in `FieldsV1` order. */
  memberElements(): PathElement[] {
    return [...this.members.values()].sort(comparePathElements);
  }

  /** Non-empty subsets below this level, in `FieldsV1` order. */
  childEntries(): Child[] {
    return [...this.children.values()]
      .filter((c) => !c.set.isEmpty())
      .sort((a, b) => comparePathElements(a.pe, b.pe));
  }

  /** Every member path, depth first: this level's members, then each child's. */
  paths(prefix: FieldPath = []): PathElement[][] {
    const out: PathElement[][] = this.memberElements().map((pe) => [...prefix, pe]);
    for (const c of this.childEntries()) out.push(...c.set.paths([...prefix, c.pe]));
    return out;
  }

  toString(): string {
    return this.paths().map(pathString).join('\n');
  }
}
