import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudy } from '../../src/experiment/load-study';
import { renderMarkdown, studyPage } from '../../src/experiment/session/page-config';

const STUDY = `title: A test study
model: fashion-cnn
units: { list: [bn2:4] }
catchUnits: [bn5:1]
consent: |
  ## Consent

  Click **I agree**.
instructions:
  - "## Page one\\n\\nFirst."
  - Second *page*.
completion: { code: C0DE, redirect: "https://app.prolific.com/submissions/complete?cc={code}" }
minScreen: { width: 800, height: 500 }
`;

describe('study page configuration', () => {
  it('renders the consent and every instruction page from Markdown', async () => {
    const page = await studyPage(parseStudy(STUDY, 'test-study'), '/', '/nonexistent');
    expect(page.config.consentHtml).toMatch(/<h2[^>]*>Consent<\/h2>/);
    expect(page.config.consentHtml).toContain('<strong>I agree</strong>');
    expect(page.config.instructionsHtml).toHaveLength(2);
    expect(page.config.instructionsHtml[0]).toMatch(/<h2[^>]*>Page one<\/h2>\s*<p>First\.<\/p>/);
    expect(page.config.instructionsHtml[1]).toBe('<p>Second <em>page</em>.</p>');
  });

  it('passes the study fields the session needs and the stimuli URL under the base', async () => {
    const study = parseStudy(STUDY, 'test-study');
    const root = await studyPage(study, '/', '/nonexistent');
    expect(root.config).toMatchObject({
      study: 'test-study', title: 'A test study', stimuli: '/data/studies/test-study/',
      completion: { code: 'C0DE', redirect: 'https://app.prolific.com/submissions/complete?cc={code}' },
      minScreen: { width: 800, height: 500 }, feedbackPrompt: 'Anything you would like to tell us about the study? (optional)',
    });
    expect((await studyPage(study, '/lab', '/nonexistent')).config.stimuli).toBe('/lab/data/studies/test-study/');
    expect((await studyPage(study, '/lab/', '/nonexistent')).config.stimuli).toBe('/lab/data/studies/test-study/');
  });

  it('says whether the stimuli are built (their manifest exists)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimpse-page-'));
    const study = parseStudy(STUDY, 'test-study');
    expect((await studyPage(study, '/', dir)).built).toBe(false);
    mkdirSync(join(dir, 'data/studies/test-study'), { recursive: true });
    writeFileSync(join(dir, 'data/studies/test-study/manifest.json'), '{}');
    expect((await studyPage(study, '/', dir)).built).toBe(true);
  });

  it('renders plain text as one paragraph', async () => {
    expect(await renderMarkdown('Hello.')).toBe('<p>Hello.</p>');
  });
});
