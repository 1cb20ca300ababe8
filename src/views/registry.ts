/**
 * The single list of "what does the network see" views, the sibling of src/methods/registry.ts for
 * results that are not attribution maps. Pages, the worker, the CLI and the tests import it.
 */
import { activationsView } from './activations';
import { embedView } from './embed';
import { filtersView } from './filters';
import { neighboursView } from './neighbours';
import { receptiveFieldView } from './receptive-field-view';
import { topExamplesView } from './top-examples';
import type { ViewDef } from './types';

const VIEWS: readonly ViewDef[] = [
  filtersView, activationsView, receptiveFieldView, topExamplesView, neighboursView, embedView,
] as unknown as readonly ViewDef[];

export const VIEW_IDS: readonly string[] = VIEWS.map((v) => v.id);

export function listViews(): readonly ViewDef[] {
  return VIEWS;
}

/** Throws "unknown view 'x'; known: filters, activations, ...". */
export function getView(id: string): ViewDef {
  const view = VIEWS.find((v) => v.id === id);
  if (view === undefined) throw new Error(`unknown view '${id}'; known: ${VIEW_IDS.join(', ')}`);
  return view;
}
