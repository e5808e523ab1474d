type Child = Node | string | null | undefined | false;

/**
 * Creates an element. Children that are strings become text nodes, so text from peers is never parsed as HTML.
 * `attrs` are set with setAttribute; `class` is the class list.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** The element with this id; the page's skeleton is static, so a missing one is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing from index.html`);
  return element as T;
}

/** Appends to a log list, keeping it at most `max` long and scrolled to the newest entry when it was already at the bottom. */
export function appendToLog(list: HTMLElement, item: HTMLElement, max = 200): void {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
  list.append(item);
  while (list.children.length > max) list.firstElementChild?.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
}
