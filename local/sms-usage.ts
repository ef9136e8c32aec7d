import { CHANNELS, type Channel, NOTICE_KINDS, type NoticeKind } from '../functions/core/notice-kinds.ts';
import type { ReplayResult } from './replay.ts';

/**
 * What the notices of a run cost in SMS, and where they went (docs/law.md §6): per kind and per channel,
 * SMS parts per 1,000 dossiers, the most SMS one head received in a day, and USD at a price per part
 * the user gives (the price for Vietnam is not known here). The simulate summary and the cost bench
 * both report it.
 */

type Notice = ReplayResult['notices'][number];

export interface KindUsage {
  /** Notices of the kind that reached their recipient (sent, folded into a digest, batched). */
  notices: number;
  /** SMS messages of the kind (a batch of escalations is one) and their parts. */
  sms: number;
  parts: number;
  topic: number;
  digest: number;
}

export interface SmsUsage {
  dossiers: number;
  parts: number;
  partsPer1000: number;
  byKind: Record<NoticeKind, KindUsage & { partsPer1000: number }>;
  byChannel: Record<Channel, { messages: number; parts: number }>;
  /** The most SMS one head of unit received in one day (digests included). */
  maxSmsPerHeadDay: { count: number; unitId: string; day: string } | null;
  usdPerPart: number | null;
  usd: number | null;
  usdPer1000: number | null;
}

/** A batch or a digest carries notices; the rest are a dossier's own. */
const container = (n: Notice) => n.dossierId.startsWith('BATCH-') || n.dossierId.startsWith('DIGEST-');
const bySms = (n: Notice) => n.status === 'sent' && n.parts !== null && (n.channels ?? ['sms']).includes('sms');

export function smsUsage(notices: readonly Notice[], dossiers: number, usdPerPart: number | null = null): SmsUsage {
  const per1000 = (x: number) => (dossiers ? Math.round((x / dossiers) * 10_000) / 10 : 0);
  const byKind = Object.fromEntries(
    NOTICE_KINDS.map((k) => [k, { notices: 0, sms: 0, parts: 0, topic: 0, digest: 0, partsPer1000: 0 }]),
  ) as SmsUsage['byKind'];
  const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, { messages: 0, parts: 0 }])) as SmsUsage['byChannel'];
  const perHeadDay = new Map<string, number>();
  let parts = 0;
  for (const n of notices) {
    const k = byKind[n.kind as NoticeKind];
    if (!k) continue;
    const reached = n.status === 'sent' || n.status === 'folded' || n.status === 'batched';
    if (reached && (!container(n) || n.kind === 'digest')) k.notices++;
    const channels = n.channels ?? [];
    if (bySms(n)) {
      k.sms++;
      k.parts += n.parts!;
      byChannel.sms.messages++;
      byChannel.sms.parts += n.parts!;
      parts += n.parts!;
      if (n.audience !== 'citizen' && n.at) {
        const key = `${n.unitId}|${n.at.slice(0, 10)}`;
        perHeadDay.set(key, (perHeadDay.get(key) ?? 0) + 1);
      }
    }
    if (channels.includes('topic')) {
      k.topic++;
      byChannel.topic.messages++;
    }
    if (n.status === 'folded') {
      k.digest++;
      byChannel.digest.messages++;
    }
  }
  for (const k of Object.values(byKind)) k.partsPer1000 = per1000(k.parts);
  let max: SmsUsage['maxSmsPerHeadDay'] = null;
  for (const [key, count] of perHeadDay) {
    const [unitId, day] = key.split('|') as [string, string];
    if (max === null || count > max.count || (count === max.count && key < `${max.unitId}|${max.day}`))
      max = { count, unitId, day };
  }
  const usd = usdPerPart === null ? null : Math.round(parts * usdPerPart * 100) / 100;
  return {
    dossiers,
    parts,
    partsPer1000: per1000(parts),
    byKind,
    byChannel,
    maxSmsPerHeadDay: max,
    usdPerPart,
    usd,
    usdPer1000:
      usdPerPart === null || !dossiers ? null : Math.round((parts / dossiers) * 1000 * usdPerPart * 100) / 100,
  };
}

/** One line per kind, for a terminal: notices, SMS parts (per 1,000 dossiers), topic and digest copies. */
export function formatSmsUsage(u: SmsUsage): string[] {
  const lines = [
    `SMS: ${u.parts} parts = ${u.partsPer1000} per 1,000 dossiers${u.usdPer1000 === null ? ' (give --sms-usd-per-part for USD)' : `, $${u.usd} ($${u.usdPer1000} per 1,000 dossiers at $${u.usdPerPart} a part)`}; by channel: sms ${u.byChannel.sms.messages} messages, topic ${u.byChannel.topic.messages}, digest ${u.byChannel.digest.messages} folded.`,
  ];
  for (const [kind, k] of Object.entries(u.byKind))
    if (k.notices || k.sms)
      lines.push(
        `  ${kind.padEnd(16)} ${String(k.notices).padStart(5)} notices  ${String(k.sms).padStart(4)} SMS  ${String(k.parts).padStart(5)} parts (${k.partsPer1000} per 1,000)  topic ${k.topic}  digest ${k.digest}`,
      );
  if (u.maxSmsPerHeadDay)
    lines.push(
      `  most SMS to one head in a day: ${u.maxSmsPerHeadDay.count} (${u.maxSmsPerHeadDay.unitId}, ${u.maxSmsPerHeadDay.day})`,
    );
  return lines;
}
