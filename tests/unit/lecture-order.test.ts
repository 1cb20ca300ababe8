// A course's lecture list decides the order and the previous/next links; list and files must agree.
import { describe, expect, it } from 'vitest';
import { lectureSlug, orderLectures } from '../../src/courses/lecture-order';

const files = [{ id: 'c/b' }, { id: 'c/a' }, { id: 'c/c' }, { id: 'other/a' }];

describe('orderLectures', () => {
  it('orders by the list and links each lecture to its neighbours', () => {
    const placed = orderLectures('c', ['c', 'a', 'b'], files);
    expect(placed.map((p) => [p.number, p.slug, p.prev?.id, p.next?.id])).toEqual([
      [1, 'c', undefined, 'c/a'],
      [2, 'a', 'c/c', 'c/b'],
      [3, 'b', 'c/a', undefined],
    ]);
  });

  it('names a listed lecture that has no file, and the files there are', () => {
    expect(() => orderLectures('c', ['a', 'b', 'c', 'd'], files)).toThrow(
      "course 'c' lists lectures with no file: content/courses/c/d.mdx; lecture files there: b, a, c",
    );
  });

  it('names a lecture file that the list leaves out', () => {
    expect(() => orderLectures('c', ['a', 'b'], files)).toThrow("lecture files not in course.yaml's 'lectures': c");
  });

  it('takes the slug after the course folder', () => {
    expect(lectureSlug('reading-saliency-maps/gradients')).toBe('gradients');
  });
});
