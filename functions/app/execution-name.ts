import { createHash } from 'node:crypto';

/**
 * The execution name of a dossier's attempt. Attempt 1 is named by the dossier id (StartExecution
 * deduplicates a second intake); a restart after an execution died is `<id>+r<n>`, because Step
 * Functions never reuses the name of a closed execution. '+' is allowed in execution names but never in
 * a dossier id (IdSchema), so no restart can take another dossier's name; an id too long for the
 * 80-character limit keeps its first characters and a hash of the whole.
 */
export function executionName(dossierId: string, attempt = 1): string {
  if (attempt <= 1) return dossierId;
  const suffix = `+r${attempt}`;
  if (dossierId.length + suffix.length <= 80) return `${dossierId}${suffix}`;
  const hash = createHash('sha256').update(dossierId).digest('hex').slice(0, 10);
  return `${dossierId.slice(0, 80 - suffix.length - hash.length - 1)}+${hash}${suffix}`;
}
