/**
 * The shared selection of the "What does a CNN see?" figures: which image (a sample index or an
 * upload), and which conv layer and channel. One small store per group (by default the model id),
 * kept in this module rather than on window, so figures of one model on a page move together and
 * figures of another model do not. Subscribers get the whole state after every change.
 */
import type { ImagePixels } from '../../workers/protocol';

export type ImageChoice = { index: number } | { upload: ImagePixels; name: string };

export interface Selection {
  image: ImageChoice;
  layer?: string;
  channel?: number;
}

type Listener = (state: Selection, changed: Array<keyof Selection>) => void;

export interface ViewStore {
  get(): Selection;
  set(patch: Partial<Selection>): void;
  subscribe(listener: Listener): () => void;
}

const stores = new Map<string, ViewStore>();

export function createStore(initial: Selection = { image: { index: 0 } }): ViewStore {
  let state = initial;
  const listeners = new Set<Listener>();
  return {
    get: () => state,
    set(patch) {
      const changed = (Object.keys(patch) as Array<keyof Selection>).filter((k) => patch[k] !== state[k]);
      if (changed.length === 0) return;
      state = { ...state, ...patch };
      for (const l of [...listeners]) l(state, changed);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The page's store for `group`, created on first use. */
export function viewStore(group: string): ViewStore {
  let store = stores.get(group);
  if (store === undefined) {
    store = createStore();
    stores.set(group, store);
  }
  return store;
}

/** Same image? (uploads by identity). */
export function sameImage(a: ImageChoice, b: ImageChoice): boolean {
  if ('index' in a && 'index' in b) return a.index === b.index;
  return a === b;
}
