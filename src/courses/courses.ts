/** The published courses, each with its lectures placed in order (build time, astro:content). */
import { getCollection, type CollectionEntry } from 'astro:content';
import { orderLectures, type Placed } from './lecture-order';

export interface CourseWithLectures {
  course: CollectionEntry<'courses'>;
  lectures: Placed<CollectionEntry<'lectures'>>[];
}

export async function publishedCourses(): Promise<CourseWithLectures[]> {
  const [courses, lectures] = await Promise.all([
    getCollection('courses', (c) => !c.data.draft || import.meta.env.DEV),
    getCollection('lectures'),
  ]);
  return courses
    .sort((a, b) => a.data.title.localeCompare(b.data.title))
    .map((course) => ({ course, lectures: orderLectures(course.id, course.data.lectures, lectures) }));
}

/** Site path of the course list, under the site's base. */
export function coursesPath(): string {
  return `${import.meta.env.BASE_URL.replace(/\/?$/, '/')}courses/`;
}

/** Site path of a course's syllabus, or of one of its lectures. */
export function coursePath(courseId: string, lectureSlug?: string): string {
  return `${coursesPath()}${courseId}/${lectureSlug ? `${lectureSlug}/` : ''}`;
}
