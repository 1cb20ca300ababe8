/**
 * `glimpse new article <slug>`: scaffolds content/articles/<slug>.mdx and <slug>.bib from
 * src/cli/templates/, an article that builds as it is (one citation, one live figure, a labelled
 * equation, a footnote). `glimpse new course <slug>` is handed to src/cli/new-course.ts.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command } from './command';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATES = fileURLToPath(new URL('./templates/', import.meta.url));
const SLUG = /^[a-z0-9][a-z0-9-]*$/;
const KINDS = ['article', 'course', 'study'] as const;

export const NEW_HELP = `Usage: glimpse new article <slug> [--title "Title"] [--author "Name"]
       glimpse new course <slug> [--title "Course title"]
       glimpse new study <id> [--model shapes-cnn] [--title "Title"]

article: creates content/articles/<slug>.mdx and content/articles/<slug>.bib: front matter, one
         citation, one live <Saliency> figure with a cross-reference, a labelled equation and a
         footnote. It builds as it is and appears at /articles/<slug>/ (docs/authoring.md).
course:  creates content/courses/<slug>/ (see 'glimpse new course --help').
study:   creates content/studies/<id>.yaml, a causal-understanding study (src/cli/new-study.ts).
<slug>:  lower-case letters, digits and dashes, e.g. which-pixels-matter.`;

export interface NewArticleOptions {
  /** Default: the slug in words ("my-article" -> "My article"). */
  title?: string;
  /** Default: "Your Name". */
  author?: string;
  /** Project root (default: this checkout); files go to <root>/content/articles/. */
  root?: string;
  /** Publication date written to the front matter (default: today, UTC). */
  date?: Date;
}

/** Writes the article and its bibliography; returns their paths relative to the root. Never overwrites. */
export async function newArticle(slug: string, options: NewArticleOptions = {}): Promise<string[]> {
  if (!SLUG.test(slug)) throw new Error(`article slug '${slug}' is not allowed; use lower-case letters, digits and dashes, e.g. 'which-pixels-matter'`);
  const root = options.root ?? REPO_ROOT;
  const dir = join(root, 'content', 'articles');
  const targets = { mdx: join(dir, `${slug}.mdx`), bib: join(dir, `${slug}.bib`) };
  for (const path of Object.values(targets)) {
    if (existsSync(path)) throw new Error(`${relative(root, path)} already exists; pick another slug or edit that article`);
  }
  const vars: Record<string, string> = {
    slug,
    title: yamlSafe(options.title?.trim() || slug.charAt(0).toUpperCase() + slug.slice(1).replace(/-/g, ' ')),
    author: yamlSafe(options.author?.trim() || 'Your Name'),
    date: (options.date ?? new Date()).toISOString().slice(0, 10),
  };
  const fill = (text: string): string => text.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => vars[name] ?? '');
  await mkdir(dir, { recursive: true });
  await writeFile(targets.mdx, fill(await readFile(join(TEMPLATES, 'article.mdx'), 'utf8')), { flag: 'wx' });
  await writeFile(targets.bib, fill(await readFile(join(TEMPLATES, 'article.bib'), 'utf8')), { flag: 'wx' });
  return [relative(root, targets.mdx), relative(root, targets.bib)];
}

/** Titles go into YAML unquoted; quote them when YAML would read them as something else. */
function yamlSafe(value: string): string {
  return /^[\w\s().,?!'-]+$/.test(value) && !/^\d/.test(value) ? value : JSON.stringify(value);
}

/** The course scaffold lives in new-course.ts (its own owner); loaded only when asked for. */
interface CourseModule {
  newCourse(slug: string, options?: { title?: string }): Promise<string[]>;
  NEW_COURSE_HELP?: string;
}

async function loadCourse(): Promise<CourseModule> {
  const spec = './new-course';
  try {
    return (await import(/* @vite-ignore */ spec)) as CourseModule;
  } catch (err) {
    throw new Error(`'glimpse new course' is not available in this checkout (src/cli/new-course.ts could not be loaded: ${(err as Error).message.split('\n')[0]})`);
  }
}

export const newCommand: Command = {
  name: 'new',
  help: NEW_HELP,
  async run(argv) {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { title: { type: 'string' }, author: { type: 'string' }, model: { type: 'string' } },
    });
    const [kind, slug, ...extra] = positionals;
    if (!KINDS.includes(kind as (typeof KINDS)[number])) {
      throw new Error(`'glimpse new' needs what to create: ${KINDS.slice(0, -1).join(', ')} or ${KINDS.at(-1)} (got ${kind === undefined ? 'nothing' : `'${kind}'`})`);
    }
    if (slug === undefined) throw new Error(`'glimpse new ${kind}' needs a slug, e.g. 'glimpse new ${kind} which-pixels-matter'`);
    if (extra.length) throw new Error(`unexpected argument '${extra[0]}'; a title with spaces goes in quotes: --title "My title"`);
    let files: string[];
    if (kind !== 'study' && values.model !== undefined) throw new Error(`'glimpse new ${kind}' takes no --model`);
    if (kind === 'study') {
      if (values.author !== undefined) throw new Error("'glimpse new study' takes --model and --title");
      files = await (await import('./new-study')).newStudy(slug, { title: values.title, model: values.model });
    } else if (kind === 'course') {
      if (values.author !== undefined) throw new Error("'glimpse new course' takes --title only");
      files = await (await loadCourse()).newCourse(slug, { title: values.title });
    } else {
      files = await newArticle(slug, { title: values.title, author: values.author });
    }
    process.stdout.write(`created:\n${files.map((f) => `  ${f}`).join('\n')}\n`);
    if (kind === 'study') process.stdout.write(`next: edit ${files[0]}, then 'glimpse experiment build --study ${slug}'\n`);
    if (kind === 'article') process.stdout.write(`next: edit ${files[0]}, then 'npm run build' (or 'npm run dev') and open /articles/${slug}/\n`);
  },
};
