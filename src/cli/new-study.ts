/**
 * `glimpse new study <id>` (routed here by src/cli/new.ts): scaffolds content/studies/<id>.yaml, a
 * causal-understanding study (Zimmermann et al. 2021) that validates as it is: the model's layer
 * table is read from its model.json (no tfjs), units are drawn by the seeded rule "2 per layer" from
 * the BatchNorm layers (pre-ReLU, as the authors used) or, without BatchNorm, the conv layers, and
 * the catch and practice units are channels of the last such layer. The researcher then replaces
 * them with hand-picked ones and runs `glimpse experiment build --study <id>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelJsonPath } from '../synthesis/gallery/weights-hash';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATE = fileURLToPath(new URL('./templates/study.yaml', import.meta.url));
const ID = /^[a-z0-9][a-z0-9-]*$/;
const CONVS = ['Conv2D', 'Convolution2D', 'DepthwiseConv2D', 'SeparableConv2D', 'SeparableConvolution2D'];

export const NEW_STUDY_HELP = `Usage: glimpse new study <id> [--model <shipped id | path/to/model.json>] [--title "Title"]

Creates content/studies/<id>.yaml: a causal-understanding study (Zimmermann et al. 2021) on the
model (default shapes-cnn) with 2 units per BatchNorm (or conv) layer, drawn with a seed, catch and
practice units from the last layer, the authors' constants and editable consent and instruction
texts. Build its stimuli with 'glimpse experiment build --study <id>' (docs/experiment.md).
<id>: lower-case letters, digits and dashes, e.g. my-replication.`;

export interface NewStudyOptions {
  /** Shipped id or a model.json path; default shapes-cnn. */
  model?: string;
  title?: string;
  /** Project root (default: this checkout); the file goes to <root>/content/studies/<id>.yaml. */
  root?: string;
}

interface UnitLayer {
  name: string;
  channels: number;
}

/** Layers whose channels can be units: BatchNorm after a conv (kind 'bn'), else the convs themselves. */
export function unitLayersOf(modelJson: string, model: string): { kind: 'bn' | 'conv'; layers: UnitLayer[] } {
  type KerasLayer = { class_name: string; config: { name: string; filters?: number; depth_multiplier?: number }; inbound_nodes?: unknown };
  let layers: KerasLayer[];
  try {
    const topology = (JSON.parse(readFileSync(modelJson, 'utf8')) as { modelTopology: { model_config?: { config: unknown }; config?: unknown } }).modelTopology;
    const config = (topology.model_config?.config ?? topology.config) as { layers?: KerasLayer[] } | KerasLayer[];
    layers = Array.isArray(config) ? config : config.layers ?? [];
  } catch (err) {
    throw new Error(`model '${model}': cannot read the layer table of ${modelJson} (${(err as Error).message}); write the units of the study by hand`);
  }
  const convs: UnitLayer[] = [];
  const bns: UnitLayer[] = [];
  let last: UnitLayer | undefined;
  for (const l of layers) {
    if (CONVS.includes(l.class_name) && typeof l.config.filters === 'number') {
      last = { name: l.config.name, channels: l.config.filters };
      convs.push(last);
    } else if (l.class_name === 'BatchNormalization' && last !== undefined) {
      bns.push({ name: l.config.name, channels: last.channels });
      last = undefined;
    }
  }
  if (bns.length > 0 && bns.length === convs.length) return { kind: 'bn', layers: bns };
  if (convs.length > 0) return { kind: 'conv', layers: convs };
  throw new Error(`model '${model}': no Conv2D layer with 'filters' in ${modelJson}; write the units of the study by hand`);
}

export async function newStudy(id: string, options: NewStudyOptions = {}): Promise<string[]> {
  if (!ID.test(id)) throw new Error(`study id '${id}' is not allowed; use lower-case letters, digits and dashes, e.g. 'my-replication'`);
  const root = options.root ?? REPO_ROOT;
  const model = options.model ?? 'shapes-cnn';
  const path = join(root, 'content', 'studies', `${id}.yaml`);
  if (existsSync(path)) throw new Error(`${relative(root, path)} already exists; pick another id or edit that study`);
  let json: string;
  try {
    json = modelJsonPath(model);
  } catch (err) {
    throw new Error(`--model: ${(err as Error).message}`);
  }
  if (!existsSync(json)) throw new Error(`--model '${model}': ${json} does not exist; give a shipped model id or a path to a model.json`);
  const { kind, layers } = unitLayersOf(json, model);
  const lastLayer = layers.at(-1)!;
  const pick = (k: number): string => `${lastLayer.name}:${Math.min(k, lastLayer.channels - 1)}`;
  const title = options.title?.trim() || id.charAt(0).toUpperCase() + id.slice(1).replace(/-/g, ' ');
  const vars: Record<string, string> = {
    title: JSON.stringify(title),
    model: JSON.stringify(model),
    kind,
    layers: layers.map((l) => l.name).join(', '),
    main: String(2 * layers.length),
    catchUnits: [pick(0), pick(1), pick(2)].join(', '),
    practiceUnits: [pick(3), pick(4), pick(5), pick(6)].join(', '),
  };
  const text = (await readFile(TEMPLATE, 'utf8')).replace(/\{\{(\w+)\}\}/g, (_m, name: string) => vars[name] ?? '');
  await mkdir(join(root, 'content', 'studies'), { recursive: true });
  await writeFile(path, text, { flag: 'wx' });
  return [relative(root, path)];
}
