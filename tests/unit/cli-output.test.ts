/**
 * What the CLI says on success (issue 15, "The CLI"): the file it wrote and the prediction, the
 * legend strip of attribution PNGs, progress while `visualize` runs, the unit `top-examples` drew;
 * and the target mistakes it used to misread (`--target -1`, `--target ""`). In-process main()
 * with stderr captured, on the shipped shapes-cnn.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { LEGEND_HEIGHT } from '../../src/cli/legend-strip';

let dir: string;
let image: string;

async function run(...argv: string[]): Promise<{ code: number; stderr: string }> {
  const chunks: string[] = [];
  const write = process.stderr.write;
  const out = process.stdout.write;
  process.stderr.write = ((s: string) => { chunks.push(String(s)); return true; }) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return { code: await main(argv), stderr: chunks.join('') };
  } finally {
    process.stderr.write = write;
    process.stdout.write = out;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glimpse-cli-out-'));
  image = join(dir, 'x.png');
  const px = Buffer.alloc(64 * 64 * 3);
  for (let y = 20; y < 44; y++) for (let x = 20; x < 44; x++) px.set([230, 40, 40], (y * 64 + x) * 3);
  await sharp(px, { raw: { width: 64, height: 64, channels: 3 } }).png().toFile(image);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('glimpse on success', () => {
  it('attribute says what it wrote and the prediction', async () => {
    const out = join(dir, 'map.png');
    const r = await run('attribute', '--model', 'shapes-cnn', '--method', 'vanilla-gradient', '--image', image, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^wrote ${out} \\(256 x 256 PNG\\): vanilla-gradient map for class \\d+ '[^']+' of shapes-cnn; predicted \\d+ '[^']+' \\(\\d+\\.\\d %\\); \\d+ ms\\n$`));
  });

  it('attribute --legend adds a colour-bar strip under the map', async () => {
    const out = join(dir, 'legend.png');
    const r = await run('attribute', '--model', 'shapes-cnn', '--method', 'gradient-x-input', '--image', image, '--target', '0', '--legend', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([256, 256 + LEGEND_HEIGHT]);
    // gradient x input is signed: the bar runs through the diverging map, blue-ish at the left end
    // and red-ish at the right, in the bar's row (16..28 px into the strip).
    const at = (x: number): number[] => Array.from(data.subarray(((256 + 22) * info.width + x) * info.channels, ((256 + 22) * info.width + x) * info.channels + 3));
    const [left, right] = [at(14), at(info.width - 14)];
    expect(left[2]).toBeGreaterThan(left[0]);
    expect(right[0]).toBeGreaterThan(right[2]);
    expect(r.stderr).toMatch(/^wrote .*legend\.png \(256 x 302 PNG\)/);
  });

  it('top-examples names the unit it drew when none was chosen', async () => {
    const out = join(dir, 'top.png');
    const r = await run('top-examples', '--model', 'shapes-cnn', '--limit', '12', '--k', '4', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('drew the top 4 patches of conv1 (the first conv layer; choose with --layer), channel 0 (choose with --channel)');
    expect(r.stderr).toMatch(/wrote .*top\.png \(\d+ x \d+ PNG\)/);
  });

  it('visualize reports progress while it runs', async () => {
    const out = join(dir, 'vis.png');
    const r = await run('visualize', '--model', 'shapes-cnn', '--objective', 'conv2:3', '--steps', '20', '--recipe', 'naive', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const steps = [...r.stderr.matchAll(/conv2:3: step (\d+)\/20, objective -?\d/g)].map((m) => Number(m[1]));
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(steps.at(-1)).toBe(20);
    expect(r.stderr).toMatch(/wrote .*vis\.png \(256 x 256 PNG\)/);
  });
});

describe('targets on the command line', () => {
  it('--target -1 is out of range, not "ambiguous"', async () => {
    const r = await run('attribute', '--model', 'shapes-cnn', '--method', 'vanilla-gradient', '--image', image, '--target', '-1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^glimpse: model 'shapes-cnn': target -1 is out of range; valid targets: 0\.\.\d+ or a class name/);
  });

  it('--target "" is an error, not the predicted class', async () => {
    const r = await run('attribute', '--model', 'shapes-cnn', '--method', 'vanilla-gradient', '--image', image, '--target', '');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^glimpse: model 'shapes-cnn': --target is empty; valid targets: 0\.\.\d+/);
  });
});
