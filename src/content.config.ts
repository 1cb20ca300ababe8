/**
 * Content collections. Articles are MDX files under content/articles/; the file name is the slug
 * (content/articles/saliency.mdx → /articles/saliency/). Every field is checked at build time, so a
 * typo in front matter fails the build with the file and field named.
 */
import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';

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

export const collections = { articles, modelCards };
