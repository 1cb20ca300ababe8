/**
 * `glimpse attack` as a subprocess: a fixture model (with --range, since it ships no glimpse.json),
 * a PNG in, the adversarial PNG at the model's size and a JSON report out; the report's PNG check
 * agrees with reading the PNG back; a model without a stated range gets the one-line request for it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttackJson } from '../../src/cli/attack';
import { glimpse, writeModelDir } from './cli-fixture';
import { buildFixtures } from './fixtures/models';
import { useCpu } from './methods-nets';

let dir = '';
let modelPath = '';
let imagePath = '';

beforeAll(async () => {
  await useCpu();
  dir = await mkdtemp(join(tmpdir(), 'glimpse-attack-'));
  const fixture = (await buildFixtures()).find((f) => f.name === 'mnist-conv-bn')!;
  modelPath = await writeModelDir(fixture.artifacts, join(dir, 'model'));
  const px = Buffer.alloc(40 * 30 * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 37) % 256;
  imagePath = join(dir, 'image.png');
  await sharp(px, { raw: { width: 40, height: 30, channels: 3 } }).png().toFile(imagePath);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('glimpse attack', () => {
  it('writes the adversarial PNG at the model size and a report whose norms respect eps', async () => {
    const out = join(dir, 'adv.png');
    const json = join(dir, 'adv.json');
    const run = await glimpse('attack', '--model', modelPath, '--range', '0,1', '--image', imagePath, '--attack', 'pgd', '--eps', '0.05', '--out', out, '--json', json, '--perturbation', join(dir, 'p.png'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([28, 28]);
    const report = JSON.parse(await readFile(json, 'utf8')) as AttackJson;
    expect(report.attack).toBe('pgd');
    expect(report.norms.linf).toBeLessThanOrEqual(0.05 + 1e-6);
    expect(report.stepLogits.length).toBe(report.steps + 1);
    expect(report.original.top).toHaveLength(5);
    expect(typeof report.png.success).toBe('boolean');
  });

  it('asks for the range of a model without glimpse.json, in one line', async () => {
    const run = await glimpse('attack', '--model', modelPath, '--image', imagePath, '--out', join(dir, 'x.png'));
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/its input value range is unknown.*--range in the CLI/);
  });
});
