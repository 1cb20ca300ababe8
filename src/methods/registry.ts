/**
 * The single list of methods: pages, the worker, the CLI, the article schema and the tests all
 * import it. Adding a method = one file named by its id + one line in `METHODS`.
 */
import { cam } from './cam';
import { deconvnet } from './deconvnet';
import { gradientXInput } from './gradient-x-input';
import { lime } from './lime';
import { lrp } from './lrp';
import { gradCam } from './grad-cam';
import { guarded } from './guard';
import { gradCamPlusPlus } from './grad-cam-plus-plus';
import { guidedGradCam } from './guided-grad-cam';
import { guidedBackprop } from './guided-backprop';
import { integratedGradients } from './integrated-gradients';
import { kernelShap } from './kernel-shap';
import { occlusion } from './occlusion';
import { rise } from './rise';
import { smoothGrad } from './smooth-grad';
import type { MethodDef } from './types';
import { vanillaGradient } from './vanilla-gradient';

export { resolveTarget, validTargets } from './target';
export type { TargetSpec } from './target';

const METHODS: readonly MethodDef[] = ([
  vanillaGradient,
  gradientXInput,
  smoothGrad(vanillaGradient, listMethods),
  integratedGradients,
  guidedBackprop,
  deconvnet,
  occlusion,
  rise,
  lime,
  kernelShap,
  cam,
  gradCam,
  gradCamPlusPlus,
  guidedGradCam,
  lrp,
] as MethodDef[]).map((method) => guarded(method)); // every call's target checked, failed calls cleaned up (guard.ts)

/** Method ids in registry order, e.g. for an article schema enum. */
export const METHOD_IDS: readonly string[] = METHODS.map((m) => m.id);

export function listMethods(): readonly MethodDef[] {
  return METHODS;
}

/** Throws "unknown method 'x'; known: vanilla-gradient, gradient-x-input". */
export function getMethod(id: string): MethodDef {
  const method = METHODS.find((m) => m.id === id);
  if (method === undefined) {
    throw new Error(`unknown method '${id}'; known: ${METHOD_IDS.join(', ')}`);
  }
  return method;
}
