/**
 * The ids a figure may name, as plain lists the build can read without loading tfjs (the markdown
 * plugins run in Vite, where tfjs-core's ESM build does not load). Each list is checked against its
 * registry by tests/unit/figure-check.test.ts, so adding a method or an attack without adding it here
 * fails a test, not a reader's page.
 */

/** src/methods/registry.ts METHOD_IDS, in registry order. */
export const METHOD_IDS = [
  'vanilla-gradient', 'gradient-x-input', 'smooth-grad', 'integrated-gradients', 'guided-backprop', 'deconvnet',
  'occlusion', 'rise', 'lime', 'kernel-shap', 'cam', 'grad-cam', 'grad-cam-plus-plus', 'guided-grad-cam', 'lrp',
] as const;

/** src/adversarial/registry.ts ATTACK_IDS. */
export const ATTACK_IDS = ['fgsm', 'bim', 'pgd', 'fool', 'deepfool'] as const;

/** NetworkView's `view` values (src/components/NetworkView.astro). */
export const VIEW_IDS = ['filters', 'activations', 'top-patches', 'neighbours', 'embedding'] as const;

/** The embedding view's projections (src/components/views/embedding-element.ts). */
export const EMBEDDING_METHODS = ['tsne', 'umap', 'pca'] as const;

/** FeatureVis `mode` values (src/components/FeatureVis.astro). */
export const FEATURE_VIS_MODES = ['visualize', 'deepdream', 'invert'] as const;
