/**
 * A study file checked against its model's layer table, and its units resolved: the explicit list
 * or the seeded "n per layer" rule, the catch and practice units. Every failure names the study file,
 * the field and the allowed values (layers of the right kind, channel ranges). No tfjs: it takes the
 * model's ModelInfo (serializable) only, so tests can hand it any layer table.
 */
import { mulberry32, randInt } from '../../methods/random';
import type { LayerInfo, ModelInfo } from '../../model/types';
import { StudyError } from '../load-study';
import type { Study } from '../study';

export interface StudyUnit {
  /** "layer:channel". */
  id: string;
  layer: string;
  channel: number;
}

export interface ResolvedUnits {
  main: StudyUnit[];
  catch: StudyUnit[];
  practice: StudyUnit[];
}

const KIND_CLASSES: Record<Study['activationKind'], (l: LayerInfo) => boolean> = {
  bn: (l) => l.className === 'BatchNormalization' || l.className === 'FusedBatchNorm' || l.className === 'FusedBatchNormV3',
  conv: (l) => l.kind === 'conv',
  relu: (l) => l.kind === 'activation' && /relu/i.test(`${l.className} ${l.name}`),
};

/** Layers whose channels may be units: of the study's activation kind, with a [h, w, c] output. */
export function unitLayers(info: ModelInfo, kind: Study['activationKind']): LayerInfo[] {
  return info.layers.filter((l) => l.outputShape.length === 3 && KIND_CLASSES[kind](l));
}

function describeLayers(layers: LayerInfo[]): string {
  return layers.map((l) => `${l.name} (channels 0-${l.outputShape[2] - 1})`).join(', ');
}

function checkUnit(ref: string, field: string, layers: LayerInfo[], study: Study, file: string): StudyUnit {
  const at = ref.lastIndexOf(':');
  const name = ref.slice(0, at);
  const channel = Number(ref.slice(at + 1));
  const layer = layers.find((l) => l.name === name);
  if (layer === undefined) {
    throw new StudyError(file, field, `model '${study.model}' has no ${study.activationKind} layer '${name}'; allowed (activationKind '${study.activationKind}'): ${describeLayers(layers)}`);
  }
  const channels = layer.outputShape[2];
  if (!Number.isInteger(channel) || channel < 0 || channel >= channels) {
    throw new StudyError(file, field, `layer '${name}' of model '${study.model}' has channels 0-${channels - 1}; got ${ref.slice(at + 1)}`);
  }
  return { id: `${name}:${channel}`, layer: name, channel };
}

/** Checks the study against the model and returns its units. `file` names the study in errors. */
export function resolveStudy(study: Study, info: ModelInfo, file = `${study.id}.yaml`): ResolvedUnits {
  const layers = unitLayers(info, study.activationKind);
  if (layers.length === 0) {
    const others = (['bn', 'conv', 'relu'] as const).filter((k) => k !== study.activationKind && unitLayers(info, k).length > 0);
    throw new StudyError(file, 'activationKind', `model '${study.model}' has no ${study.activationKind} layer with a 4-D output; allowed here: ${others.join(', ') || '(none)'}`);
  }
  const catchUnits = study.catchUnits.map((u, i) => checkUnit(u, `catchUnits.${i}`, layers, study, file));
  const practiceRefs = study.practiceUnits ?? study.catchUnits;
  const practiceField = study.practiceUnits ? 'practiceUnits' : 'catchUnits';
  const practice = practiceRefs.map((u, i) => checkUnit(u, `${practiceField}.${i}`, layers, study, file));
  let main: StudyUnit[];
  if ('list' in study.units) {
    main = study.units.list.map((u, i) => checkUnit(u, `units.list.${i}`, layers, study, file));
  } else {
    main = drawUnits(study, layers, new Set([...catchUnits, ...practice].map((u) => u.id)), file);
  }
  const twice = main.find((u, i) => main.findIndex((v) => v.id === u.id) !== i);
  if (twice) throw new StudyError(file, 'units', `unit '${twice.id}' is listed twice`);
  const shared = main.find((u) => catchUnits.some((c) => c.id === u.id));
  if (shared) throw new StudyError(file, 'catchUnits', `unit '${shared.id}' is both a main and a catch unit; catch units must differ from the main ones`);
  checkCounts(study, main.length, catchUnits.length, practice.length, file);
  return { main, catch: catchUnits, practice };
}

/** The seeded rule: `perLayer` distinct channels of each layer, never a catch or practice unit. */
function drawUnits(study: Study, layers: LayerInfo[], reserved: Set<string>, file: string): StudyUnit[] {
  const rule = study.units as { perLayer: number; layers?: string[]; seed: number };
  const names = rule.layers ?? layers.map((l) => l.name);
  const rng = mulberry32(rule.seed);
  return names.flatMap((name, i) => {
    const layer = layers.find((l) => l.name === name);
    if (layer === undefined) throw new StudyError(file, `units.layers.${i}`, `model '${study.model}' has no ${study.activationKind} layer '${name}'; allowed: ${layers.map((l) => l.name).join(', ')}`);
    const free = Array.from({ length: layer.outputShape[2] }, (_, c) => c).filter((c) => !reserved.has(`${name}:${c}`));
    if (free.length < rule.perLayer) throw new StudyError(file, 'units.perLayer', `layer '${name}' has ${free.length} channels that are not catch or practice units; perLayer must be at most that`);
    const picked: number[] = [];
    while (picked.length < rule.perLayer) picked.push(free.splice(randInt(rng, free.length), 1)[0]);
    return picked.sort((a, b) => a - b).map((c) => ({ id: `${name}:${c}`, layer: name, channel: c }));
  });
}

function checkCounts(study: Study, main: number, catches: number, practice: number, file: string): void {
  const { trials, references: refs, synthesis, imageSets } = study;
  if (trials.main !== main) throw new StudyError(file, 'trials.main', `${trials.main} main trials, but the study has ${main} units (one main trial per unit); set trials.main to ${main}`);
  if (trials.catch !== catches) throw new StudyError(file, 'trials.catch', `${trials.catch} catch trials, but ${catches} catch units (one catch trial per unit); set trials.catch to ${catches}`);
  if (trials.practice !== practice) {
    throw new StudyError(file, 'trials.practice', `${trials.practice} practice trials, but ${practice} practice units (${study.practiceUnits ? 'practiceUnits' : 'catchUnits, as practiceUnits is absent'}); set trials.practice to ${practice}`);
  }
  if (imageSets > refs.binSize) throw new StudyError(file, 'imageSets', `${imageSets} image sets need a different image per rank bin each: at most references.binSize (${refs.binSize})`);
  if (refs.mixedSynthetic > refs.count) throw new StudyError(file, 'references.mixedSynthetic', `at most references.count (${refs.count})`);
  if (synthesis.batch < refs.count) throw new StudyError(file, 'synthesis.batch', `the synthetic condition shows references.count (${refs.count}) visualizations: batch must be at least ${refs.count}`);
}

/** Images each unit needs in its pool: the query bin and one bin per reference. */
export function poolNeeded(study: Study): number {
  return study.references.binSize * (study.references.count + 1);
}
