/**
 * Content collections. Articles are MDX files under content/articles/; the file name is the slug
 * (content/articles/saliency.mdx → /articles/saliency/). Every field is checked at build time, so a
 * typo in front matter fails the build with the file and field named.
 */
import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';
import { studySchema } from './experiment/study';

/** One author of an article, as shown in the byline. */
const author = z.object({
  /** Full name as it should be printed and cited. */
  name: z.string().min(1),
  /** Personal page or profile (optional). */
  url: z.string().url().optional(),
  /** Institutions, in order; each shown under the name in the byline. */
  affiliations: z
    .array(
      z.object({
        /** Institution name. */
        name: z.string().min(1),
        /** Institution web page (optional). */
        url: z.string().url().optional(),
      }),
    )
    .default([]),
});

const articles = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: './content/articles' }),
  schema: z.object({
    /** Title of the article, shown as the page heading and in the index. */
    title: z.string().min(1),
    /** One or two sentences: used in the index, in <meta name="description"> and in feeds. */
    description: z.string().min(1),
    /** Authors in byline order; at least one. */
    authors: z.array(author).min(1),
    /** First publication date (YYYY-MM-DD). */
    published: z.coerce.date(),
    /** Date of the last substantive revision, if any (YYYY-MM-DD). */
    updated: z.coerce.date().optional(),
    /**
     * Default model for the article's figures: a shipped model id (public/models/<id>/) or a URL to a
     * tfjs LayersModel model.json. A figure's own `model` prop overrides it.
     */
    model: z.string().min(1).default('fashion-cnn'),
    /** Drafts build in `astro dev` but are left out of the built site and the index. */
    draft: z.boolean().default(false),
    /** The article's DOI, if it has one (10.xxxx/...): shown in "Cite this article" and the meta tags. */
    doi: z
      .string()
      .regex(/^10\.\d{4,9}\/\S+$/, 'a DOI looks like 10.1234/abc, without the https://doi.org/ prefix')
      .optional(),
    /** BibTeX file for [@key] citations, relative to the article; default <slug>.bib beside it. */
    bibliography: z.string().optional(),
  }),
});

/**
 * Model cards: public/models/<id>/MODEL_CARD.md, rendered as pages at /models/<id>/ beside the weights.
 * Plain Markdown with no front matter; the folder name is the model id.
 */
const modelCards = defineCollection({
  loader: glob({
    pattern: '*/MODEL_CARD.md',
    base: './public/models',
    generateId: ({ entry }) => entry.split('/')[0],
  }),
});

/**
 * Courses: content/courses/<course>/course.yaml describes a course (/courses/<course>/) and names its
 * lectures in reading order; each lecture is content/courses/<course>/<lecture>.mdx
 * (/courses/<course>/<lecture>/). A lecture file the course does not list, or a listed lecture with
 * no file, fails the build with both named (src/courses/lecture-order.ts).
 */
const courses = defineCollection({
  loader: glob({
    pattern: '*/course.yaml',
    base: './content/courses',
    generateId: ({ entry }) => entry.split('/')[0],
  }),
  schema: z.object({
    /** Course title, shown on the course list and as the syllabus heading. */
    title: z.string().min(1),
    /** One or two sentences: the course list, the syllabus and <meta name="description">. */
    description: z.string().min(1),
    /** Authors in byline order; at least one. */
    authors: z.array(author).min(1),
    /** Lecture slugs (file names without .mdx) in reading order; each appears once. */
    lectures: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lecture slug: lower-case letters, digits and dashes'))
      .min(1)
      .refine((l) => new Set(l).size === l.length, 'a lecture is listed twice'),
    /** Default model for every lecture's figures (a shipped id or a model.json URL); a lecture may override it. */
    model: z.string().min(1).default('fashion-cnn'),
    /** Drafts build in `astro dev` but are left out of the built site and the course list. */
    draft: z.boolean().default(false),
  }),
});

/** The lectures of all courses: id "<course>/<lecture>". Ordered by their course's `lectures`. */
const lectures = defineCollection({
  loader: glob({
    pattern: '*/*.mdx',
    base: './content/courses',
    generateId: ({ entry }) => entry.replace(/\.mdx$/, ''),
  }),
  schema: z.object({
    /** Lecture title: the page heading, the syllabus entry and the previous/next links. */
    title: z.string().min(1),
    /** One or two sentences, shown under the title in the syllabus. */
    description: z.string().min(1),
    /** Overrides the course's default model for this lecture's figures. */
    model: z.string().min(1).optional(),
  }),
});

/**
 * Studies: content/studies/<id>.yaml, one causal-understanding experiment each (src/experiment/study.ts
 * holds the schema, a comment per field; `glimpse new study <id>` scaffolds one). The stimuli are
 * built by `glimpse experiment build` into public/data/studies/<id>/ (docs/experiment.md).
 */
const studies = defineCollection({
  loader: glob({ pattern: '*.yaml', base: './content/studies' }),
  schema: studySchema,
});

export const collections = { articles, modelCards, courses, lectures, studies };
