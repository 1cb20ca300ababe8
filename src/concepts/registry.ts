/**
 * The concept family's single list, like src/methods/registry.ts: pages, the worker, the CLI and
 * the tests read ids, labels, papers and option schemas from here.
 */
import type { z } from 'zod';
import { dissectionOptions } from './dissection';
import { tcavOptions } from './tcav';

export interface ConceptMethodDef {
  /** Stable id used in MDX, the CLI and the worker. */
  id: 'dissection' | 'tcav';
  label: string;
  /** What it needs: 'masks' (a probe with per-pixel concept masks) or 'sets' (concept image sets). */
  needs: 'masks' | 'sets';
  paper: { title: string; authors: string; year: number; url: string };
  options: z.ZodTypeAny;
}

export const CONCEPT_METHODS: readonly ConceptMethodDef[] = [
  {
    id: 'dissection', label: 'Network Dissection', needs: 'masks', options: dissectionOptions,
    paper: { title: 'Network Dissection: Quantifying Interpretability of Deep Visual Representations', authors: 'Bau, Zhou, Khosla, Oliva, Torralba', year: 2017, url: 'https://arxiv.org/abs/1704.05796' },
  },
  {
    id: 'tcav', label: 'TCAV', needs: 'sets', options: tcavOptions,
    paper: { title: 'Interpretability Beyond Feature Attribution: Quantitative Testing with Concept Activation Vectors (TCAV)', authors: 'Kim, Wattenberg, Gilmer, Cai, Wexler, Viegas, Sayres', year: 2018, url: 'https://arxiv.org/abs/1711.11279' },
  },
];

export function conceptMethod(id: string): ConceptMethodDef {
  const m = CONCEPT_METHODS.find((c) => c.id === id);
  if (m === undefined) throw new Error(`unknown concept method '${id}'; known: ${CONCEPT_METHODS.map((c) => c.id).join(', ')}`);
  return m;
}
