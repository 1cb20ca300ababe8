// `glimpse new course` writes a course whose list and lecture files agree, and refuses bad slugs and
// existing folders.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newCourse } from '../../src/cli/new-course';
import { findFigures } from '../../src/embed/figure-source';
import { orderLectures } from '../../src/courses/lecture-order';

describe('newCourse', () => {
  it('scaffolds course.yaml and the lectures it lists, each with a figure', async () => {
    const root = mkdtempSync(join(tmpdir(), 'glimpse-course-'));
    const files = await newCourse('my-course', { root });
    expect(files).toEqual(['content/courses/my-course/course.yaml', 'content/courses/my-course/introduction.mdx', 'content/courses/my-course/exercises.mdx']);
    const dir = join(root, 'content/courses/my-course');
    const yaml = readFileSync(join(dir, 'course.yaml'), 'utf8');
    expect(yaml).toContain('title: "My course"');
    const listed = yaml.split('lectures:\n')[1].trim().split('\n').map((l) => l.replace(/^\s*-\s*/, ''));
    expect(listed).toEqual(['introduction', 'exercises']);
    const lectureIds = readdirSync(dir).filter((f) => f.endsWith('.mdx')).map((f) => `my-course/${f.replace(/\.mdx$/, '')}`);
    expect(orderLectures('my-course', listed, lectureIds.map((id) => ({ id }))).map((p) => p.slug)).toEqual(['introduction', 'exercises']);
    const figures = findFigures(readFileSync(join(dir, 'exercises.mdx'), 'utf8'), ['Saliency', 'Exercise']);
    expect(figures.figures.map((f) => f.id)).toEqual(['fig-exercise']);
    expect(figures.skipped.map((s) => s.component)).toEqual(['Exercise']);
  });

  it('refuses a slug that is not lower-case-with-dashes, and an existing course', async () => {
    const root = mkdtempSync(join(tmpdir(), 'glimpse-course-'));
    await expect(newCourse('My Course', { root })).rejects.toThrow("course slug 'My Course' is not allowed; use lower-case letters, digits and dashes");
    await newCourse('a', { root, title: 'A' });
    await expect(newCourse('a', { root })).rejects.toThrow('content/courses/a already exists');
  });
});
