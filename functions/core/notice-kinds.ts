/**
 * The kinds of notice dunghan sends, who reads each, and the channels a notice can take
 * (docs/law.md §2 and §6). A wiring test checks that every kind has a template and default channels.
 */

export const NOTICE_KINDS = [
  'step.warning',
  'apology.due',
  'citizen.apology',
  'head.escalation',
  'digest',
  'supplement.alarm',
  'delivery.failed',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export const AUDIENCES = ['unit', 'head', 'citizen'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const AUDIENCE: Record<NoticeKind, Audience> = {
  'step.warning': 'unit',
  'apology.due': 'head',
  'citizen.apology': 'citizen',
  'head.escalation': 'head',
  digest: 'head',
  'supplement.alarm': 'head',
  'delivery.failed': 'head',
};

/**
 * `sms`: to the phone (SNS); `topic`: the escalation topic (e-mail or webhook subscribers with filter
 * attributes; locally the outbox); `digest`: folded into the recipient's next morning digest.
 */
export const CHANNELS = ['sms', 'topic', 'digest'] as const;
export type Channel = (typeof CHANNELS)[number];
