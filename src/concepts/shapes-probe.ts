/**
 * The `shapes` world as a dissection probe: images rendered by the seeded generator, masks from
 * each image's object map (docs/shapes.md), so a probe of 10,000 images ships no pixels. Segments
 * are 0 background, 1 and 2 the objects, 3 the corner mark; the mark's category is labelled only
 * in images that have a mark (the category-aware denominator). Rendered samples are kept between
 * the two passes of a dissection when they fit `keepBytes`, so each image is drawn once.
 */
import { CONCEPTS, CUE_ID, SHAPE_CLASSES, renderSample, renderScene, type ShapesOptions } from '../data/shapes';
import type { ModelInfo } from '../model/types';
import { pixelSource } from '../views/image-set';
import type { ConceptProbe, ImageMasks, Vocabulary } from './types';

/**
 * The shapes vocabulary: its 20 concepts in their own order, then the mark by the class its colour
 * encodes (`cue:circle` = the red mark, ...), so a unit tuned to one mark colour is told apart from
 * one that fires on any saturated corner square. Categories in display order.
 */
export const SHAPES_VOCABULARY: Vocabulary = {
  concepts: [
    ...CONCEPTS.map((c) => ({ id: c.id, category: c.category, name: c.name })),
    ...SHAPE_CLASSES.map((s) => ({ id: `cue:${s}`, category: 'cue', name: s })),
  ],
  categories: ['shape', 'colour', 'texture', 'cue', 'background'],
};

const CAT = (name: string) => SHAPES_VOCABULARY.categories.indexOf(name);
const CONCEPT = (id: string) => SHAPES_VOCABULARY.concepts.findIndex((c) => c.id === id);

export interface ShapesProbeOptions {
  generator: ShapesOptions;
  start?: number;
  count: number;
  /** Keep rendered images and object maps up to this many bytes (default 256 MB). */
  keepBytes?: number;
  /** Give every image's mark this class's colour (an index into SHAPE_CLASSES; needs a generator
   *  with a bias, so that there is a mark): a probe where one mark covers as much as all do. */
  markClass?: number;
}

export function shapesProbe(info: ModelInfo, options: ShapesProbeOptions): ConceptProbe {
  const { generator, count } = options;
  const start = options.start ?? 0;
  const size = generator.size ?? 64;
  const keep = count * size * size * 4 <= (options.keepBytes ?? 256 * 1024 * 1024);
  const kept = new Map<number, { image: Uint8Array; objectMap: Uint8Array; objects: ReturnType<typeof renderSample>['objects']; cue?: number }>();
  const { markClass } = options;
  if (markClass !== undefined) {
    if (!Number.isInteger(markClass) || markClass < 0 || markClass >= SHAPE_CLASSES.length) throw new Error(`shapes probe: markClass must be an index into ${SHAPE_CLASSES.join(', ')} (0-${SHAPE_CLASSES.length - 1}); got ${markClass}`);
    if (!generator.bias) throw new Error('shapes probe: markClass needs a generator with a bias (images without one have no mark to recolour)');
  }
  const render = (index: number) => {
    const s = renderSample(index, generator);
    if (markClass === undefined || !s.cue) return s;
    const cue = { ...s.cue, label: markClass };
    return { ...s, ...renderScene({ size, background: s.background, objects: s.objects, cue }), cue };
  };
  const sample = (i: number) => {
    const hit = kept.get(i);
    if (hit) return hit;
    const s = render(start + i);
    const entry = { image: s.image, objectMap: s.objectMap, objects: s.objects, cue: s.cue?.label };
    if (keep) kept.set(i, entry);
    else {
      kept.clear();
      kept.set(i, entry);
    }
    return entry;
  };
  const categories = { shape: CAT('shape'), colour: CAT('colour'), texture: CAT('texture'), cue: CAT('cue'), background: CAT('background') };
  const background = CONCEPT('background:background');
  const cue = CONCEPT('cue:cue');
  const masks = (i: number): ImageMasks => {
    const s = sample(i);
    const segments = new Uint8Array(s.objectMap.length);
    for (let p = 0; p < segments.length; p++) {
      const v = s.objectMap[p];
      segments[p] = v === CUE_ID ? 3 : v;
    }
    const objectConcepts = [0, 1].map((o) => {
      const obj = s.objects[o];
      return obj ? [CONCEPT(`shape:${obj.shape}`), CONCEPT(`colour:${obj.colour}`), CONCEPT(`texture:${obj.texture}`)] : [];
    });
    return {
      segments,
      segmentConcepts: [[background], objectConcepts[0], objectConcepts[1], s.cue !== undefined ? [cue, CONCEPT(`cue:${SHAPE_CLASSES[s.cue]}`)] : []],
      labelled: [categories.shape, categories.colour, categories.texture, categories.background, ...(s.cue !== undefined ? [categories.cue] : [])],
    };
  };
  const split = generator.split ?? 'train';
  return {
    name: `shapes seed ${generator.seed} ${split}${generator.bias ? ` bias ${generator.bias.strength}` : ''}${markClass !== undefined ? ` marks ${SHAPE_CLASSES[markClass]}` : ''} ${start}..${start + count - 1}`,
    images: pixelSource(count, (i) => sample(i).image, size, size, 3, info),
    vocabulary: SHAPES_VOCABULARY,
    maskSize: [size, size],
    masks,
  };
}
