/**
 * The reasons a head gives when rescheduling from the dashboard (docs/law.md §2: the apology states the reason and the
 * new date). The text goes into the citizen's SMS after "do" ("because of"), so each reads as a Vietnamese clause.
 */
export const APOLOGY_REASONS = {
  verification: 'cần xác minh, kiểm tra thêm',
  'inter-agency': 'chờ ý kiến của cơ quan phối hợp',
  workload: 'số lượng hồ sơ lớn',
  technical: 'sự cố kỹ thuật của hệ thống',
  other: 'lý do khác',
} as const;
export type ApologyReasonCode = keyof typeof APOLOGY_REASONS;
export const APOLOGY_REASON_CODES = Object.keys(APOLOGY_REASONS) as ApologyReasonCode[];

/** The reason as the apology states it: the listed clause, then the head's own words. */
export function apologyReason(code: ApologyReasonCode, text: string | undefined): string {
  if (code === 'other') return text ?? APOLOGY_REASONS.other;
  return text ? `${APOLOGY_REASONS[code]} (${text})` : APOLOGY_REASONS[code];
}
