/**
 * The studies a server collects for: every `<root>/<study>/manifest.json` (the built site's
 * data/studies/). The manifest alone says what the server needs: the cells of the balanced design
 * (conditions x image sets) and which trial ids exist in which block.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestSchema, type Manifest, type ManifestTrial } from '../manifest';
import type { Cell } from './store';

export interface ServerStudy {
  id: string;
  /** Tie-break order: image set outer, condition inner, so the first participants spread over conditions. */
  cells: Cell[];
  trials: Map<string, ManifestTrial>;
}

export function serverStudy(manifest: Manifest): ServerStudy {
  const cells: Cell[] = [];
  for (let imageSet = 0; imageSet < manifest.imageSets; imageSet += 1) {
    for (const condition of manifest.conditions) cells.push({ condition, imageSet });
  }
  return { id: manifest.study, cells, trials: new Map(manifest.trials.map((t) => [t.id, t])) };
}

/** Reads every manifest under root; a malformed one fails naming its file and field. */
export function loadStudies(root: string): Map<string, ServerStudy> {
  const studies = new Map<string, ServerStudy>();
  if (!existsSync(root)) return studies;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const file = join(root, entry.name, 'manifest.json');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    studies.set(parsed.data.study, serverStudy(parsed.data));
  }
  return studies;
}
