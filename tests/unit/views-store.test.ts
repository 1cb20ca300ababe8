/** The views figures' shared selection: per-group stores, change lists, no-op sets, unsubscribe. */
import { describe, expect, it } from 'vitest';
import { createStore, sameImage, viewStore } from '../../src/components/views/store';

describe('view store', () => {
  it('tells subscribers what changed and skips no-op sets', () => {
    const store = createStore();
    const seen: string[][] = [];
    const off = store.subscribe((_s, changed) => seen.push(changed));
    store.set({ layer: 'conv3', channel: 5 });
    store.set({ layer: 'conv3' });
    store.set({ image: { index: 7 } });
    off();
    store.set({ channel: 1 });
    expect(seen).toEqual([['layer', 'channel'], ['image']]);
    expect(store.get()).toEqual({ image: { index: 7 }, layer: 'conv3', channel: 1 });
  });

  it('shares one store per group and keeps groups apart', () => {
    viewStore('shapes-cnn').set({ channel: 3 });
    expect(viewStore('shapes-cnn').get().channel).toBe(3);
    expect(viewStore('fashion-cnn').get().channel).toBeUndefined();
  });

  it('compares images by sample index, uploads by identity', () => {
    const up = { upload: { data: new Uint8Array(1), width: 1, height: 1, channels: 1 }, name: 'a.png' };
    expect(sameImage({ index: 2 }, { index: 2 })).toBe(true);
    expect(sameImage({ index: 2 }, { index: 3 })).toBe(false);
    expect(sameImage(up, up)).toBe(true);
    expect(sameImage(up, { ...up })).toBe(false);
  });
});
