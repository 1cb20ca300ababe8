/**
 * `glimpse new course <slug>` (routed here by src/cli/new.ts): scaffolds a course that builds as it
 * is: content/courses/<slug>/course.yaml listing two lectures, each an MDX page with a live figure,
 * the second with an exercise. The author renames, rewrites and adds lectures from there.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This checkout (not load-node's REPO_ROOT: that module pulls in tfjs, which takes seconds). */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const NEW_COURSE_HELP = `Usage: glimpse new course <slug> [--title "Course title"]

Creates content/courses/<slug>/ with course.yaml and two lectures (introduction.mdx, exercises.mdx).
The course appears at /courses/<slug>/ after the next build. <slug>: lower-case letters, digits and
dashes, e.g. reading-saliency-maps.`;

const SLUG = /^[a-z0-9][a-z0-9-]*$/;

export interface NewCourseOptions {
  /** Shown as the course title; default: the slug in words ("my-course" -> "My course"). */
  title?: string;
  /** Project root (default: this checkout); the course goes to <root>/content/courses/<slug>/. */
  root?: string;
}

/** Writes the course and returns the created files, relative to the root. Refuses to overwrite. */
export async function newCourse(slug: string, options: NewCourseOptions = {}): Promise<string[]> {
  if (!SLUG.test(slug)) {
    throw new Error(`course slug '${slug}' is not allowed; use lower-case letters, digits and dashes, e.g. 'reading-saliency-maps'`);
  }
  const root = options.root ?? REPO_ROOT;
  const dir = join(root, 'content', 'courses', slug);
  if (existsSync(dir)) throw new Error(`${relative(root, dir)} already exists; pick another slug or edit that course`);
  const title = options.title?.trim() || slug.charAt(0).toUpperCase() + slug.slice(1).replace(/-/g, ' ');
  const files: Record<string, string> = {
    'course.yaml': courseYaml(title),
    'introduction.mdx': INTRODUCTION,
    'exercises.mdx': EXERCISES,
  };
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, { flag: 'wx' });
  return Object.keys(files).map((name) => relative(root, join(dir, name)));
}

const yamlString = (s: string): string => JSON.stringify(s);

function courseYaml(title: string): string {
  return `# The course page is /courses/<this folder>/; lectures are the .mdx files here, in this order.
title: ${yamlString(title)}
description: >-
  One or two sentences on what the reader will be able to do after the course.
authors:
  - name: Your Name
# Default model of every lecture's figures (a shipped id or a model.json URL); a lecture can override it.
model: fashion-cnn
lectures:
  - introduction
  - exercises
`;
}

const IMPORTS = `import Saliency from '../../../src/components/Saliency.astro';
import Exercise from '../../../src/components/Exercise.astro';`;

const INTRODUCTION = `---
title: Introduction
description: What this course is about, in a sentence or two (shown in the syllabus).
---
${IMPORTS}

Write the lecture in Markdown. Figures are components; this one computes a saliency map live.

<Saliency method="vanilla-gradient" image={0} id="fig-intro" caption="The vanilla gradient of the predicted class." />
`;

const EXERCISES = `---
title: Exercises
description: A lecture with an exercise; the answer stays hidden until the reader reveals it.
---
${IMPORTS}

<Exercise question="Which pixels does the map mark, and are they on the object?">
  <Saliency method="grad-cam" image={0} id="fig-exercise" />
  <div slot="answer">
    Write the answer here. It is hidden behind a "Show answer" control that works with the keyboard.
  </div>
</Exercise>
`;
