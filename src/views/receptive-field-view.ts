/** The receptive-field table as a view: (size, stride, offset) of every spatial layer. */
import { z } from 'zod';
import { receptiveFields, type ReceptiveField } from './receptive-field';
import type { ViewDef } from './types';

export const receptiveFieldView: ViewDef<Record<string, never>, ReceptiveField[]> = {
  id: 'receptive-field',
  label: 'Receptive fields',
  kind: 'activation',
  needsLayer: false,
  needs: 'none',
  paper: { title: 'Computing Receptive Fields of Convolutional Neural Networks', authors: 'Araujo, Norris, Sim', year: 2019, url: 'https://distill.pub/2019/computing-receptive-fields/' },
  options: z.object({}).strict() as unknown as z.ZodType<Record<string, never>, z.ZodTypeDef, unknown>,
  async run(model) {
    return [...receptiveFields(model.info).values()];
  },
};
