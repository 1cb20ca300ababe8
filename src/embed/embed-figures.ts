/**
 * Names shared by the embed pages, the copy-embed-code button and the script-tag bundle: which MDX
 * components are figures, which custom element each renders, and which elements the bundle defines.
 */

/**
 * MDX component name -> the custom element it renders (what a script-tag embed writes). Every name
 * here needs its component in src/components/EmbedFigure.astro.
 */
export const FIGURE_TAGS: Record<string, string> = {
  Saliency: 'glimpse-saliency',
};

/** The component names to look for in article sources. */
export const FIGURE_NAMES = Object.keys(FIGURE_TAGS);

/** Elements the script-tag bundle (src/embed/glimpse.ts) defines; the copy button offers a script-tag
 * snippet only for these. */
export const BUNDLE_ELEMENTS = ['glimpse-saliency'];

/** Figure props that describe the frame, not the element: left out of script-tag attributes. */
export const FRAME_PROPS = new Set(['id', 'caption', 'width', 'class']);
