import type { z } from 'zod';

/** One line naming the first offending field and the reason: "daysOff.3.date: must be a calendar date". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
