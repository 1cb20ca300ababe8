/**
 * Names shared by the embed pages, the copy-embed-code button and the script-tag bundle: which MDX
 * components are figures, which custom element each renders, and which elements the bundle defines.
 * Every component named here also needs its line in src/components/EmbedFigure.astro.
 */

export interface FigureSpec {
  /**
   * The custom element a script-tag embed writes; null for build-time figures (iframe only). A
   * `{name}` in it is the prop of that name (NetworkView's view="embedding" -> glimpse-embedding).
   */
  tag: string | null;
  /** Props whose element attribute has another name (AttributionGrid's methods -> method-list). */
  attributes?: Record<string, string>;
}

/** MDX component name -> how it is embedded. */
export const FIGURES: Record<string, FigureSpec> = {
  Saliency: { tag: 'glimpse-saliency' },
  AttributionGrid: { tag: 'glimpse-attribution-grid', attributes: { methods: 'method-list' } },
  IntegratedGradientsPath: { tag: 'glimpse-ig-path' },
  NetworkView: { tag: 'glimpse-{view}' },
  FeatureVis: { tag: 'glimpse-feature-vis' },
  FeatureGallery: { tag: 'glimpse-feature-gallery' },
  AdversarialFigure: { tag: 'glimpse-adversarial' },
  TcavFigure: { tag: 'glimpse-tcav' },
  DissectionFigure: { tag: 'glimpse-dissection' },
  DissectionGrid: { tag: null },
  DissectionChart: { tag: null },
  TcavChart: { tag: null },
  AdversarialChart: { tag: null },
  EvaluationChart: { tag: null },
  ExperimentChart: { tag: null },
  ExperimentTrials: { tag: null },
};

/** The element a figure with these props renders, or null (build-time figures, unknown views). */
export function elementTag(spec: FigureSpec | undefined, props: Record<string, unknown>): string | null {
  if (!spec?.tag) return null;
  const tag = spec.tag.replace(/\{(\w+)\}/g, (_, name: string) => String(props[name] ?? ''));
  return (BUNDLE_ELEMENTS as readonly string[]).includes(tag) ? tag : null;
}

/** The component names to look for in article sources. */
export const FIGURE_NAMES = Object.keys(FIGURES);

/** Elements the script-tag bundle (src/embed/glimpse.ts) defines, loaded when a page uses them. */
export const BUNDLE_ELEMENTS = [
  'glimpse-saliency', 'glimpse-attribution-grid', 'glimpse-ig-path', 'glimpse-feature-vis', 'glimpse-feature-gallery', 'glimpse-adversarial', 'glimpse-tcav', 'glimpse-dissection',
  'glimpse-filters', 'glimpse-activations', 'glimpse-top-patches', 'glimpse-neighbours', 'glimpse-embedding',
] as const;
export type BundleElement = (typeof BUNDLE_ELEMENTS)[number];

/** Figure props that describe the frame, not the element: left out of script-tag attributes. */
export const FRAME_PROPS = new Set(['id', 'caption', 'width', 'class']);
