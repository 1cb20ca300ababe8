/**
 * A course's lectures in the order its course.yaml lists them, with each lecture's neighbours for
 * the previous/next links. Lecture files and the list must agree exactly: a lecture that is written
 * but not listed would be unreachable, and a listed one with no file would be a dead link, so both
 * stop the build with the names spelled out.
 */

export interface LectureLike {
  /** "<course>/<lecture>", as the lectures collection names entries. */
  id: string;
}

export interface Placed<L> {
  lecture: L;
  /** The lecture's slug within its course. */
  slug: string;
  /** 1-based position in the course. */
  number: number;
  prev?: L;
  next?: L;
}

/** Slug of a lecture id within its course: "reading/gradients" -> "gradients". */
export function lectureSlug(id: string): string {
  return id.slice(id.indexOf('/') + 1);
}

export function orderLectures<L extends LectureLike>(courseId: string, order: readonly string[], all: readonly L[]): Placed<L>[] {
  const mine = new Map(all.filter((l) => l.id.startsWith(`${courseId}/`)).map((l) => [lectureSlug(l.id), l]));
  const missing = order.filter((slug) => !mine.has(slug));
  if (missing.length > 0) {
    throw new Error(
      `course '${courseId}' lists lectures with no file: ${missing.map((s) => `content/courses/${courseId}/${s}.mdx`).join(', ')}; ` +
        `lecture files there: ${[...mine.keys()].join(', ') || 'none'}`,
    );
  }
  const unlisted = [...mine.keys()].filter((slug) => !order.includes(slug));
  if (unlisted.length > 0) {
    throw new Error(`course '${courseId}': lecture files not in course.yaml's 'lectures': ${unlisted.join(', ')}; add them in reading order, or delete them`);
  }
  const lectures = order.map((slug) => mine.get(slug) as L);
  return lectures.map((lecture, i) => ({
    lecture,
    slug: order[i],
    number: i + 1,
    ...(i > 0 ? { prev: lectures[i - 1] } : {}),
    ...(i < lectures.length - 1 ? { next: lectures[i + 1] } : {}),
  }));
}
