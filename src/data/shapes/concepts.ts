/**
 * Per-pixel concept masks, derived on demand from a sample's object map and object records
 * rather than stored: one byte a pixel holds every mask of the image. A pixel belongs to an
 * object's shape, colour and texture concepts when the object covers at least half of it.
 */
import type { ObjectSpec } from './types';
import { BACKGROUND_ID, CONCEPTS, CUE_ID } from './vocabulary';
import type { Concept } from './vocabulary';

/** The parts of a sample a mask needs (a ShapesSample, or meta plus a slice of objectMaps). */
export interface MaskSource {
  objectMap: Uint8Array;
  objects: readonly ObjectSpec[];
}

const BY_ID = new Map(CONCEPTS.map((c) => [c.id, c]));

/** Looks a concept up by id ('shape:circle', 'colour:red', 'texture:dots', 'background:background',
 *  'cue:cue'); throws naming the known ids. */
export function getConcept(id: string): Concept {
  const c = BY_ID.get(id);
  if (!c) throw new Error(`unknown concept '${id}'; known: ${CONCEPTS.map((k) => k.id).join(', ')}`);
  return c;
}

/** Which objectMap values belong to the concept (a 256-entry lookup table). */
export function conceptTable(objects: readonly ObjectSpec[], concept: Concept | string): Uint8Array {
  const c = typeof concept === 'string' ? getConcept(concept) : concept;
  const table = new Uint8Array(256);
  if (c.category === 'background') table[BACKGROUND_ID] = 1;
  else if (c.category === 'cue') table[CUE_ID] = 1;
  else {
    objects.forEach((o, i) => {
      const value = c.category === 'shape' ? o.shape : c.category === 'colour' ? o.colour : o.texture;
      if (value === c.name) table[i + 1] = 1;
    });
  }
  return table;
}

/** 1 where the pixel belongs to the concept, else 0; same length as objectMap. */
export function conceptMask(sample: MaskSource, concept: Concept | string): Uint8Array {
  const table = conceptTable(sample.objects, concept);
  const mask = new Uint8Array(sample.objectMap.length);
  for (let p = 0; p < mask.length; p++) mask[p] = table[sample.objectMap[p]];
  return mask;
}

/** The concepts with at least one pixel in the sample. */
export function conceptsPresent(sample: MaskSource): Concept[] {
  const seen = new Uint8Array(256);
  for (let p = 0; p < sample.objectMap.length; p++) seen[sample.objectMap[p]] = 1;
  return CONCEPTS.filter((c) => {
    const table = conceptTable(sample.objects, c);
    for (let v = 0; v < 256; v++) if (table[v] && seen[v]) return true;
    return false;
  });
}
