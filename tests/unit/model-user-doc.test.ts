/**
 * docs/your-own-model.md lists the supported Keras layers, activations and GraphDef ops from the
 * loader's own tables (scripts/doc-model-lists.ts writes them): the doc must be current, and every
 * supported name must appear in it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_OPS } from '../../src/model/graph-ops';
import { SUPPORTED_LAYERS } from '../../src/model/layers';
import { ACTIVATION_NAMES } from '../../src/model/ops/activations';
import { DOC_PATH, GENERATED, renderDoc } from '../../scripts/doc-model-lists';

const doc = readFileSync(DOC_PATH, 'utf8');

describe('docs/your-own-model.md', () => {
  it('has every generated block, and each is current (else: npx tsx scripts/doc-model-lists.ts)', () => {
    for (const name of Object.keys(GENERATED)) expect(doc).toContain(`<!-- generated:${name} -->`);
    expect(renderDoc(doc)).toBe(doc);
  });

  it('names every supported layer class, activation and op in backticks', () => {
    for (const name of [...SUPPORTED_LAYERS, ...ACTIVATION_NAMES, ...SUPPORTED_OPS]) expect(doc, name).toContain(`\`${name}\``);
  });

  it('an unknown block name is an error, not silently kept', () => {
    expect(() => renderDoc('<!-- generated:nope -->\nx\n<!-- /generated:nope -->')).toThrow("unknown generated block 'nope'; known: keras-layers, keras-activations, graph-ops, fused-ops");
  });
});
