import type { DvcqgSnapshot } from '../schemas/dvcqg.ts';
import type { FeedState } from '../schemas/records.ts';
import { formatInstant, formatLocalCompact, type Instant } from './instant.ts';

/**
 * What dunghan keeps of a dossier's feed between snapshots (docs/law.md §7): where it starts, which
 * snapshot is newer than the one applied, and the deterministic ids of the events a snapshot derives.
 */

export function emptyFeedState(dossierId: string): FeedState {
  return {
    dossierId,
    revision: 0,
    snapshot: null,
    receipt: null,
    pausedAt: null,
    roundsUntil: null,
    closed: null,
    holds: [],
    completed: {},
    rows: [],
    findings: [],
  };
}

/** The latest event instant a snapshot carries (appointments excluded: they lie ahead): it orders snapshots. */
export function latestCarried(s: DvcqgSnapshot): Instant | null {
  const instants = [s.receivedAt, s.endedAt, s.returnedAt, s.supplementAskedAt, s.refusedAt];
  for (const r of s.rounds) instants.push(r.requestedAt, r.receivedAt);
  let latest: Instant | null = null;
  for (const t of instants) if (t !== null && (latest === null || t > latest)) latest = t;
  return latest;
}

/** Whether a snapshot is older than the one already applied, or the same again: then it changes nothing. */
export function unchangedBy(prev: FeedState | null, s: DvcqgSnapshot, digest: string): string | null {
  if (!prev?.snapshot) return null;
  const latest = latestCarried(s);
  if (latest !== null && prev.snapshot.latestAt !== null && latest < prev.snapshot.latestAt)
    return `older than the snapshot already applied (its latest instant ${formatInstant(latest)} is before ${formatInstant(prev.snapshot.latestAt)}): nothing changed`;
  if (prev.snapshot.digest === digest) return 'the same snapshot again: nothing changed';
  return null;
}

/** Whether this snapshot is the dossier's first receipt (the application then plans its path). */
export const receivesNow = (prev: FeedState | null, s: DvcqgSnapshot, digest: string) =>
  !prev?.receipt && s.status !== '1' && unchangedBy(prev, s, digest) === null;

/** A deterministic event id: the dossier, the transition and its instant. */
export function feedEventId(dossierId: string, transition: string, at: Instant): string {
  const id = `dvcqg:${dossierId}:${transition}:${formatLocalCompact(at)}`;
  // Event ids hold 128 characters; a long dossier id and step id together are hashed instead.
  return id.length <= 128 ? id : `dvcqg:h${hash(id, 1)}${hash(id, 2)}`;
}

function hash(text: string, seed: number): string {
  // cyrb53: a small, well-spread 53-bit string hash.
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
