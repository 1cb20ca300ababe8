/**
 * Writes the lists of supported Keras layers, activations and GraphDef ops into
 * docs/your-own-model.md from the loader's own tables, between <!-- generated:NAME --> and
 * <!-- /generated:NAME --> markers, so the doc never drifts from the code
 * (tests/unit/model-user-doc.test.ts fails when it has).
 *
 *   npx tsx scripts/doc-model-lists.ts          # rewrite the doc
 *   npx tsx scripts/doc-model-lists.ts --check  # exit 1 if it is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SUPPORTED_OPS } from '../src/model/graph-ops';
import { SUPPORTED_LAYERS } from '../src/model/layers';
import { ACTIVATION_NAMES } from '../src/model/ops/activations';
import { FUSED_ACTIVATION_OPS, FUSED_FIRST } from '../src/model/ops/graph-weighted';

export const DOC_PATH = fileURLToPath(new URL('../docs/your-own-model.md', import.meta.url));

const code = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');

export const GENERATED: Record<string, () => string> = {
  'keras-layers': () => code(SUPPORTED_LAYERS),
  'keras-activations': () => code([...ACTIVATION_NAMES].sort()),
  'graph-ops': () => code(SUPPORTED_OPS),
  'fused-ops': () => `${code(FUSED_FIRST)} first, then at most one of ${code(FUSED_ACTIVATION_OPS)}`,
};

/** The doc with every generated block replaced by the current list; unknown block names throw. */
export function renderDoc(doc: string): string {
  return doc.replace(/(<!-- generated:([a-z-]+) -->\n)[\s\S]*?(\n<!-- \/generated:\2 -->)/g, (_, open: string, name: string, close: string) => {
    const render = GENERATED[name];
    if (render === undefined) throw new Error(`unknown generated block '${name}'; known: ${Object.keys(GENERATED).join(', ')}`);
    return `${open}${render()}${close}`;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const doc = readFileSync(DOC_PATH, 'utf8');
  const next = renderDoc(doc);
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      console.error(`${DOC_PATH} is out of date; run npx tsx scripts/doc-model-lists.ts`);
      process.exitCode = 1;
    }
  } else if (next !== doc) {
    writeFileSync(DOC_PATH, next);
    console.log(`updated ${DOC_PATH}`);
  }
}
