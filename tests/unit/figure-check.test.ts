/**
 * The build-time figure check (src/markdown/figure-check.ts): a figure naming an unknown shipped
 * model, layer, channel, class, method, attack, view or recipe fails with file:line; user models (URLs)
 * are left to the browser; every shipped article and lecture passes; the tfjs-free id lists equal
 * the registries.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import remarkMath from 'remark-math';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import remarkFigureCheck from '../../src/markdown/figure-check';
import { ATTACK_IDS, METHOD_IDS } from '../../src/markdown/catalogue';
import { shippedModels } from '../../src/markdown/shipped-models';
import { METHOD_IDS as REGISTRY_METHODS } from '../../src/methods/registry';
import { ATTACK_IDS as REGISTRY_ATTACKS } from '../../src/adversarial/registry';

async function check(body: string, frontmatter: Record<string, unknown> = {}, path = 'content/articles/x.mdx'): Promise<void> {
  const file = new VFile({ value: body, path, data: { astro: { frontmatter } } });
  const processor = unified().use(remarkParse).use(remarkMdx).use(remarkMath).use(remarkFigureCheck as never);
  await processor.run(processor.parse(file), file);
}

const failure = async (body: string, frontmatter?: Record<string, unknown>): Promise<string> => {
  try {
    await check(body, frontmatter);
  } catch (e) {
    return (e as Error).message;
  }
  return 'built';
};

describe('the figure check', () => {
  it('reads layer channels and labels of the shipped models from their model.json and glimpse.json', () => {
    const shapes = shippedModels(join(process.cwd(), 'public/models')).find((m) => m.id === 'shapes-cnn')!;
    // conv1 16, bn1 keeps conv1's 16, conv3 64, logits 6 (models/shapes-cnn/MODEL_CARD.md).
    expect([shapes.layers.get('conv1'), shapes.layers.get('bn1'), shapes.layers.get('conv3'), shapes.layers.get('logits')]).toEqual([16, 16, 64, 6]);
    expect(shapes.labels).toEqual(['circle', 'square', 'triangle', 'star', 'cross', 'ring']);
  });

  it('checks the live dissection figure: 64x64 RGB models, a conv layer of each, count and units in range', async () => {
    expect(await failure('<DissectionFigure layer="conv3" count={500} />')).toBe('built');
    expect(await failure('<DissectionFigure models={[\'shapes-cnn\']} layer="gap" />')).toMatch(/<DissectionFigure> layer 'gap' of model 'shapes-cnn' is not a conv layer with spatial extent; dissection takes one of its conv layers: conv1, conv2, conv3, conv4/);
    expect(await failure('<DissectionFigure layer="conv9" />')).toMatch(/layer 'conv9' of model 'shapes-cnn' does not exist/);
    expect(await failure('<DissectionFigure model="fashion-cnn" layer="conv1" />')).toMatch(/model 'fashion-cnn' takes 28x28x1 images; live dissection runs the shapes probe, which needs 64x64 RGB/);
    expect(await failure('<DissectionFigure count={5} />')).toMatch(/count 5 is not an integer in 10\.\.10000/);
    expect(await failure('<DissectionFigure units={100} />')).toMatch(/units 100 is not an integer in 1\.\.64/);
    expect(await failure('<DissectionFigure model="https://example.org/m/model.json" layer="anything" />')).toBe('built');
  });

  it('fails naming file, line, the figure and what is allowed', async () => {
    const text = 'Intro.\n\n<Saliency model="shapes-cnn" method="vanila-gradient" />\n';
    const msg = await failure(text);
    expect(msg).toMatch(/^content\/articles\/x\.mdx:3:1: <Saliency> method 'vanila-gradient' is not one of: vanilla-gradient, /);
  });

  it('rejects an unknown model, layer, channel, class, view, attack, recipe and unit', async () => {
    expect(await failure('<Saliency model="shapes-cn" />')).toMatch(/model 'shapes-cn' is not a shipped model; shipped models: fashion-cnn, shapes-cnn, shapes-cnn-biased/);
    expect(await failure('<NetworkView view="activations" model="shapes-cnn" layer="conv9" />')).toMatch(/layer 'conv9': model 'shapes-cnn' has no such layer; its layers: input, conv1, bn1/);
    expect(await failure('<NetworkView view="top-patches" model="shapes-cnn" layer="conv3" channel={64} />')).toMatch(/channel 64 of layer 'conv3' of model 'shapes-cnn' does not exist; valid channels: 0\.\.63/);
    expect(await failure('<Saliency model="shapes-cnn" target={6} />')).toMatch(/class 6 of model 'shapes-cnn' does not exist; valid classes: 0\.\.5 \(0 circle/);
    expect(await failure('<NetworkView view="activation" />')).toMatch(/view 'activation' is not one of: filters, activations/);
    expect(await failure('<AdversarialFigure model="shapes-cnn" attack="cw" />')).toMatch(/attack 'cw' is not one of: fgsm/);
    expect(await failure('<FeatureVis model="shapes-cnn" unit="conv3:5" preset="lucidd" />')).toMatch(/preset 'lucidd' is not one of: naive/);
    expect(await failure('<FeatureVis model="shapes-cnn" unit="conv4:128" />')).toMatch(/channel 128 of layer 'conv4'/);
    expect(await failure('<FeatureVis model="shapes-cnn" unit="conv3" />')).toMatch(/unit 'conv3' is not of the form layer:channel/);
    expect(await failure('<AttributionGrid model="shapes-cnn" methods={[\'lrp\', \'shap\']} />')).toMatch(/methods lists unknown method 'shap'/);
    expect(await failure('Text.', { model: 'fashion-cn' })).toMatch(/^content\/articles\/x\.mdx: front matter model 'fashion-cn' is not a shipped model/);
  });

  it('checks a figure without a model against the front matter model, or fashion-cnn', async () => {
    // conv5 exists in fashion-cnn (the default), not in shapes-cnn.
    expect(await failure('<NetworkView view="activations" layer="conv5" />')).toBe('built');
    expect(await failure('<NetworkView view="activations" layer="conv5" />', { model: 'shapes-cnn' })).toMatch(/model 'shapes-cnn' has no such layer/);
  });

  it('accepts what is valid, and leaves user models (URLs) and non-literal expressions to the browser', async () => {
    expect(await failure('<NetworkView view="top-patches" model="shapes-cnn" layer="conv3" channel={63} />')).toBe('built');
    expect(await failure('<FeatureVis model="shapes-cnn" unit="class:5" />')).toBe('built');
    expect(await failure('<FeatureVis model="shapes-cnn" mode="invert" layer="*" />')).toBe('built');
    expect(await failure('<Saliency model="https://example.org/m/model.json" target={99} />')).toBe('built');
    expect(await failure('<NetworkView view="top-patches" model="./my/model.json" layer="whatever" />')).toBe('built');
    expect(await failure('<NetworkView view="top-patches" model="shapes-cnn" layer="conv3" channel={n} />')).toBe('built');
  });

  it('passes every shipped article and lecture', async () => {
    const files = [
      ...readdirSync('content/articles').filter((f) => f.endsWith('.mdx')).map((f) => join('content/articles', f)),
      ...readdirSync('content/courses').flatMap((c) => readdirSync(join('content/courses', c)).filter((f) => f.endsWith('.mdx')).map((f) => join('content/courses', c, f))),
    ];
    expect(files.length).toBeGreaterThan(5);
    for (const path of files) {
      const src = readFileSync(path, 'utf8');
      const fm = /^---\n([\s\S]*?)\n---\n/.exec(src);
      await expect(check(fm ? src.slice(fm[0].length) : src, fm ? parseYaml(fm[1]) : {}, join(process.cwd(), path))).resolves.toBeUndefined();
    }
  });

  it('lists the same method and attack ids as the registries (the build cannot load them: they import tfjs)', () => {
    expect([...METHOD_IDS]).toEqual([...REGISTRY_METHODS]);
    expect([...ATTACK_IDS]).toEqual([...REGISTRY_ATTACKS]);
  });
});
