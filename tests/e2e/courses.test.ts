// The shipped course: the syllabus lists the lectures in course.yaml's order, previous/next links
// walk them, the figures use the course's (or the lecture's) default model, and an exercise's answer
// opens from the keyboard.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { baseUrl, connect, open, screenshot, settle, shown } from './helpers';

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

const COURSE = '/courses/reading-saliency-maps/';
const LECTURES = [
  ['gradients', 'What a gradient map measures'],
  ['smoothing-and-paths', 'Noise, smoothing and paths'],
  ['class-maps-and-occlusion', 'Class maps and occlusion'],
];

it('lists the course, and its syllabus lists the lectures in order', async () => {
  const { page, context } = await open(browser, '/courses/');
  try {
    await page.getByRole('link', { name: 'Reading saliency maps' }).click();
    await page.waitForURL(`${baseUrl()}${COURSE}`);
    const items = await page.locator('ol.syllabus > li > a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    expect(items).toEqual(LECTURES.map(([slug, title]) => [`${COURSE}${slug}/`, title]));
    await screenshot(page, 'main', 'course-syllabus');
  } finally {
    await context.close();
  }
});

it('walks the lectures with next and previous', async () => {
  const { page, context } = await open(browser, `${COURSE}${LECTURES[0][0]}/`);
  try {
    const heading = () => page.locator('h1').textContent();
    expect(await heading()).toBe(LECTURES[0][1]);
    expect(await page.locator('a[rel="prev"]').count()).toBe(0);
    for (let i = 1; i < LECTURES.length; i++) {
      await page.locator('a[rel="next"]').click();
      await page.waitForURL(`${baseUrl()}${COURSE}${LECTURES[i][0]}/`);
      expect(await heading()).toBe(LECTURES[i][1]);
      expect(await page.locator('.lecture-place').textContent()).toContain(`Lecture ${i + 1} of 3`);
    }
    expect(await page.locator('a[rel="next"]').count()).toBe(0);
    expect(await page.locator('a.lecture-next').getAttribute('href')).toBe(COURSE);
    await page.locator('a[rel="prev"]').click();
    await page.waitForURL(`${baseUrl()}${COURSE}${LECTURES[1][0]}/`);
    expect(await heading()).toBe(LECTURES[1][1]);
    // The last lecture's front matter overrides the course's model; the others inherit fashion-cnn.
    expect(await page.locator('article').getAttribute('data-glimpse-model')).toBe('fashion-cnn');
  } finally {
    await context.close();
  }
});

it("computes a lecture figure with the course's default model, and reveals an exercise answer by keyboard", async () => {
  const { page, context, errors } = await open(browser, `${COURSE}gradients/`);
  try {
    await settle(page, '#lecture-gradient');
    const r = await shown(page, '#lecture-gradient');
    expect([r.model, r.method]).toEqual(['fashion-cnn', 'vanilla-gradient']);
    expect(r.prediction[0].label).toBe('Trouser');

    const details = page.locator('.exercise details.exercise-answer');
    const answer = page.locator('.exercise .exercise-answer-body');
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await answer.isVisible()).toBe(false);
    // Reach "Show answer" with Tab alone, then open and close it with Enter and Space.
    await page.locator('h1').click();
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      // The answer's own summary: the figure inside the exercise has a <details> of its own (the
      // backend disclosure), whose summary Tab reaches first once the figure has rendered it.
      reached = await page.evaluate(
        () => document.activeElement?.matches('.exercise details.exercise-answer > summary') ?? false,
      );
    }
    expect(reached, 'Tab never reached the exercise\'s "Show answer"').toBe(true);
    await page.keyboard.press('Enter');
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await answer.isVisible()).toBe(true);
    expect(await answer.textContent()).toContain('gradient × 0 is zero');
    await screenshot(page, '.exercise', 'course-exercise-open');
    await page.keyboard.press('Space');
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
