/**
 * The order in which the all-methods grid computes its tiles (one at a time, attribution-grid-element.ts):
 * the registry's order, with the perturbation methods (hundreds to thousands of forward passes each:
 * RISE, LIME, KernelSHAP, occlusion) moved to the end, so the other tiles fill in first. The tiles
 * stay in the registry's order on screen.
 */
export function computeOrder<T extends { id: string }>(tiles: T[], methods: Array<{ id: string; kind?: string }>): T[] {
  const slow = new Set(methods.filter((m) => m.kind === 'perturbation').map((m) => m.id));
  return [...tiles.filter((t) => !slow.has(t.id)), ...tiles.filter((t) => slow.has(t.id))];
}
