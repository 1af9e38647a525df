import { z } from 'zod';
import type { Employee } from '../schemas/employee.ts';

/**
 * Whether a leaver teaches, so their classes must be reassigned before offboarding completes (story 5).
 *
 * The rule reads the employee record only, never a guess made on the case:
 *  - a certificate whose kind names 教师 (教师资格证, or a 职称 recorded as e.g. 中学一级教师) — held at any time,
 *    expired or not, because the question is whether they have classes, not whether they may still teach;
 *  - or a position (job title) naming a teaching post: 教师, 老师, 班主任, 讲师, 助教, teacher, lecturer.
 * Anyone else is not a teacher, and the class step does not apply. When the record is wrong (a teacher with
 * neither on file), HR corrects the record; the case follows it.
 *
 * The result is recorded on the case as the `subject-teacher` fact (with what it rests on), so every replica
 * and the server derive the class step the same way without reading the employee record.
 */
const TEACHING_CERTIFICATE = /教师/;
const TEACHING_POSITION = /教师|老师|班主任|讲师|助教|teacher|lecturer/i;

export const TeacherBasis = z.object({ field: z.enum(['certificate', 'position']), value: z.string().trim().min(1).max(100) });
export type TeacherBasis = z.infer<typeof TeacherBasis>;

export const TeacherStatus = z.object({
  teacher: z.boolean(),
  /** What on the employee record made them a teacher; empty for anyone else. */
  basis: z.array(TeacherBasis).max(20),
});
export type TeacherStatus = z.infer<typeof TeacherStatus>;

export function teacherStatusOf(employee: Pick<Employee, 'position' | 'certificates'>): TeacherStatus {
  const basis: TeacherBasis[] = employee.certificates
    .filter((c) => TEACHING_CERTIFICATE.test(c.kind))
    .map((c) => ({ field: 'certificate' as const, value: c.kind.trim().slice(0, 100) }));
  const position = employee.position.trim();
  if (position && TEACHING_POSITION.test(position)) basis.push({ field: 'position', value: position.slice(0, 100) });
  return { teacher: basis.length > 0, basis: basis.slice(0, 20) };
}

export function sameTeacherStatus(a: TeacherStatus, b: TeacherStatus): boolean {
  return a.teacher === b.teacher && JSON.stringify(a.basis) === JSON.stringify(b.basis);
}
