/**
 * Site search over the Pagefind index that the build writes to dist/pagefind/ (src/markdown/
 * integration.ts). Pagefind's own script is loaded on first use, so pages that nobody searches from
 * load none of it. Results are links with Pagefind's excerpt (its own escaped HTML with <mark>s).
 */
interface PagefindResult {
  url: string;
  meta: { title?: string };
  excerpt: string;
}
interface Pagefind {
  search(query: string): Promise<{ results: Array<{ data(): Promise<PagefindResult> }> } | null>;
}

let loading: Promise<Pagefind> | undefined;

function loadPagefind(base: string): Promise<Pagefind> {
  const url = `${base.replace(/\/$/, '')}/pagefind/pagefind.js`;
  loading ??= import(/* @vite-ignore */ url) as Promise<Pagefind>;
  return loading;
}

export interface SearchUi {
  form: HTMLFormElement;
  input: HTMLInputElement;
  /** Where result links go. */
  list: HTMLElement;
  /** aria-live status: "3 results", errors. */
  status: HTMLElement;
  limit: number;
  /** A dropdown (the header box) closes when focus or a click goes elsewhere, and reopens on focus. */
  dropdown?: boolean;
}

/** Wires one search box; returns run(query) so a page can search for ?q= on load. */
export function mountSearch(ui: SearchUi, base: string): (query: string) => Promise<void> {
  let latest = 0;
  const run = async (query: string): Promise<void> => {
    const mine = ++latest;
    const q = query.trim();
    if (q === '') {
      ui.list.replaceChildren();
      ui.status.textContent = '';
      ui.list.hidden = true;
      return;
    }
    let pagefind: Pagefind;
    try {
      pagefind = await loadPagefind(base);
    } catch {
      loading = undefined;
      ui.status.textContent = 'Search needs the index that `npm run build` writes (dist/pagefind); it is not there.';
      return;
    }
    const found = await pagefind.search(q);
    if (mine !== latest || !found) return; // a newer query has started
    const data = await Promise.all(found.results.slice(0, ui.limit).map((r) => r.data()));
    if (mine !== latest) return;
    ui.list.replaceChildren(
      ...data.map((d) => {
        const li = document.createElement('li');
        const a = document.createElement('a');
        a.href = d.url;
        a.className = 'search-result-title';
        a.textContent = d.meta.title ?? d.url;
        const p = document.createElement('p');
        p.className = 'search-result-excerpt';
        p.innerHTML = d.excerpt; // Pagefind escapes page text and adds only <mark>
        li.append(a, p);
        return li;
      }),
    );
    ui.list.hidden = data.length === 0;
    ui.status.hidden = false;
    const n = found.results.length;
    ui.status.textContent = n === 0 ? `No results for “${q}”` : `${n} result${n === 1 ? '' : 's'} for “${q}”`;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  ui.input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(ui.input.value), 120);
  });
  ui.input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      ui.input.value = '';
      void run('');
    }
  });
  if (ui.dropdown) {
    const close = (): void => {
      ui.list.hidden = true;
      ui.status.hidden = true;
    };
    ui.form.addEventListener('focusout', (e) => {
      if (!ui.form.contains(e.relatedTarget as Node | null)) close();
    });
    document.addEventListener('click', (e) => {
      if (!ui.form.contains(e.target as Node)) close();
    });
    ui.input.addEventListener('focus', () => {
      ui.status.hidden = false;
      ui.list.hidden = ui.list.childElementCount === 0;
    });
  }
  return run;
}
