/**
 * What the session page hands its island, built at build time from a study file: the consent and
 * instruction Markdown rendered to HTML by Astro's own Markdown processor (the same rendering as the
 * site's), where the stimuli live, and whether they are built at all. Node only (the page's
 * front matter); the browser receives the plain `PageConfig`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createMarkdownProcessor, type MarkdownProcessor } from '@astrojs/markdown-remark';
import type { Study } from '../study';
import type { PageConfig } from './run';

let processor: Promise<MarkdownProcessor> | null = null;

/** Markdown -> HTML (no syntax highlighting: study texts have no code). */
export async function renderMarkdown(text: string): Promise<string> {
  processor ??= createMarkdownProcessor({ syntaxHighlight: false });
  return (await (await processor).render(text)).code;
}

export interface StudyPage {
  config: PageConfig;
  /** Whether public/data/studies/<id>/manifest.json exists; the page says how to build it when not. */
  built: boolean;
}

/** `base` is the site's BASE_URL; `publicDir` the folder that holds data/studies/ (public/). */
export async function studyPage(study: Study, base: string, publicDir: string): Promise<StudyPage> {
  const root = base.endsWith('/') ? base : `${base}/`;
  const config: PageConfig = {
    study: study.id,
    title: study.title,
    consentHtml: await renderMarkdown(study.consent),
    instructionsHtml: await Promise.all(study.instructions.map(renderMarkdown)),
    feedbackPrompt: study.feedbackPrompt,
    completion: study.completion,
    minScreen: study.minScreen,
    stimuli: `${root}data/studies/${study.id}/`,
  };
  return { config, built: existsSync(join(publicDir, 'data/studies', study.id, 'manifest.json')) };
}
