/** The gallery settings that key its cache, apart from the model (tfjs-free, see defaults.ts). */
export interface GalleryConfig {
  /** A recipe of src/synthesis/methods/recipes.ts. */
  recipe: 'lucid' | 'naive' | 'simonyan' | 'yosinski-1' | 'yosinski-2' | 'yosinski-3' | 'yosinski-4';
  steps: number;
  seed: number;
  learningRate: number;
}
