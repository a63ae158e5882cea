/**
 * Puts a freshly rendered tree in place of the current one while keeping every element that did
 * not change. Views re-render from scratch on each watch event; replacing the whole page each
 * time would swap a button out from under a click in progress and drop what a user is typing.
 * Elements are matched by position: equal nodes are kept, elements with the same tag and
 * attributes keep their identity and have their children morphed, anything else is replaced.
 * A kept element keeps its old listeners, so handlers must read live state, not captured data.
 *
 *   morphChildren(root, [header, errors, ...sections]);
 */

function sameShell(a: Element, b: Element): boolean {
  if (a.tagName !== b.tagName || a.attributes.length !== b.attributes.length) return false;
  for (const attr of a.attributes) {
    if (b.getAttribute(attr.name) !== attr.value) return false;
  }
  return true;
}

export function morphChildren(parent: Element, next: readonly Node[]): void {
  const current = [...parent.childNodes];
  next.forEach((fresh, i) => {
    const old = current[i];
    if (!old) return parent.append(fresh);
    if (old.isEqualNode(fresh)) return;
    // Inputs are left alone when only their typed value differs; a changed attribute replaces.
    if (old instanceof Element && fresh instanceof Element && sameShell(old, fresh)) {
      if (old.tagName !== 'INPUT' && old.tagName !== 'SELECT') {
        return morphChildren(old, [...fresh.childNodes]);
      }
      if (old.tagName === 'INPUT') return;
    }
    parent.replaceChild(fresh, old);
  });
  for (const extra of current.slice(next.length)) extra.remove();
}
