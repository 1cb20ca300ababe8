/**
 * Dataset-wide IoU of units against concepts (Bau et al. 2017, Eq. 1): IoU_{k,c} = sum over images
 * |M_k ∩ L_c| / sum over images |M_k ∪ L_c|, never a mean of per-image IoUs. The union uses
 * NetDissect-Lite's category-aware denominator: a unit's mask area enters concept c's union only
 * for images in which c's category is labelled. The tally is fed per image with the unit's mask
 * area and its overlap with each segment of the image, so it never sees a pixel.
 */
import type { ImageMasks, Vocabulary } from './types';

export class IouTally {
  readonly units: number;
  private readonly vocabulary: Vocabulary;
  private readonly categoryOf: Int32Array;
  /** [unit][concept] summed intersections. */
  readonly intersection: Float64Array;
  /** [unit][category] summed mask area over images where the category is labelled. */
  readonly unitArea: Float64Array;
  /** [concept] summed label area. */
  readonly labelArea: Float64Array;
  images = 0;

  constructor(units: number, vocabulary: Vocabulary) {
    this.units = units;
    this.vocabulary = vocabulary;
    this.categoryOf = Int32Array.from(vocabulary.concepts.map((c) => {
      const i = vocabulary.categories.indexOf(c.category);
      if (i < 0) throw new Error(`concept '${c.id}' has category '${c.category}'; categories: ${vocabulary.categories.join(', ')}`);
      return i;
    }));
    this.intersection = new Float64Array(units * vocabulary.concepts.length);
    this.unitArea = new Float64Array(units * vocabulary.categories.length);
    this.labelArea = new Float64Array(vocabulary.concepts.length);
  }

  /**
   * One image: `area[k]` = |M_k|, `overlap[k * segments + s]` = |M_k ∩ segment s|, `segmentArea[s]`
   * = pixels of segment s, for the image's masks `m` (segments = m.segmentConcepts.length, or the
   * row stride given).
   */
  add(m: ImageMasks, area: ArrayLike<number>, overlap: ArrayLike<number>, segmentArea: ArrayLike<number>, stride = m.segmentConcepts.length): void {
    const nc = this.vocabulary.concepts.length;
    const ncat = this.vocabulary.categories.length;
    for (const cat of m.labelled) for (let k = 0; k < this.units; k++) this.unitArea[k * ncat + cat] += area[k];
    m.segmentConcepts.forEach((concepts, s) => {
      if (concepts.length === 0) return;
      for (const c of concepts) this.labelArea[c] += segmentArea[s];
      for (let k = 0; k < this.units; k++) {
        const v = overlap[k * stride + s];
        if (v !== 0) for (const c of concepts) this.intersection[k * nc + c] += v;
      }
    });
    this.images++;
  }

  /** Adds an image from full binary masks (tests, small data): unitMasks[k] and the image's masks. */
  addMasks(m: ImageMasks, unitMasks: ArrayLike<number>[]): void {
    const s = m.segmentConcepts.length;
    const segmentArea = new Float64Array(s);
    for (let p = 0; p < m.segments.length; p++) segmentArea[m.segments[p]]++;
    const area = new Float64Array(this.units);
    const overlap = new Float64Array(this.units * s);
    unitMasks.forEach((mask, k) => {
      for (let p = 0; p < mask.length; p++) {
        if (mask[p]) {
          area[k]++;
          overlap[k * s + m.segments[p]]++;
        }
      }
    });
    this.add(m, area, overlap, segmentArea);
  }

  /** IoU of unit k with concept c (0 where the union is empty). */
  iou(k: number, c: number): number {
    const nc = this.vocabulary.concepts.length;
    const inter = this.intersection[k * nc + c];
    const union = this.unitArea[k * this.vocabulary.categories.length + this.categoryOf[c]] + this.labelArea[c] - inter;
    return union > 0 ? inter / union : 0;
  }

  /** Every IoU, [unit][concept]. */
  matrix(): Float32Array {
    const nc = this.vocabulary.concepts.length;
    const out = new Float32Array(this.units * nc);
    for (let k = 0; k < this.units; k++) for (let c = 0; c < nc; c++) out[k * nc + c] = this.iou(k, c);
    return out;
  }
}
