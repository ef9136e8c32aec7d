import { readFileSync } from 'node:fs';

/**
 * Summaries of V8's own profile files, so that a profile reads as a table: CPU time by package (or file of
 * ours) and by function from a `.cpuprofile`; retained-size-free self sizes by object kind from a
 * `.heapsnapshot`. The files themselves open in Chrome DevTools (Performance, Memory) for the full picture.
 */

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: an npm package, one of our files, Node's internals, or V8's own work. */
function owner(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\/.*?\/(functions|local|bench|workflows)\//, '$1/');
}

export interface Share {
  name: string;
  percent: number;
}

/** Self time by owner and by function, as shares of the profile's total, largest first. */
export function summariseCpu(file: string, top = 25): { totalSeconds: number; byOwner: Share[]; byFunction: Share[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const selfTime = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
    total += dt;
  });
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, t] of selfTime) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const o = owner(url, functionName);
    byOwner.set(o, (byOwner.get(o) ?? 0) + t);
    const f = `${o} ${functionName || '(anonymous)'}:${lineNumber + 1}`;
    byFunction.set(f, (byFunction.get(f) ?? 0) + t);
  }
  const shares = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, t]) => ({ name, percent: +((t / total) * 100).toFixed(1) }));
  return { totalSeconds: +(total / 1e6).toFixed(1), byOwner: shares(byOwner), byFunction: shares(byFunction) };
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size by object kind (type and constructor name), per `per` (e.g. per open dossier), largest first. */
export function summariseHeap(
  file: string,
  per: number,
  top = 25,
): { totalMb: number; byKind: { kind: string; kbEach: number; countEach: number }[] } {
  const s = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const kinds = new Map<string, [number, number]>();
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + iType]!]!;
    const name = type.includes('string') ? '(string)' : type === 'code' ? '(code)' : s.strings[s.nodes[i + iName]!]!;
    const kind = `${type} ${name.slice(0, 60)}`;
    const size = s.nodes[i + iSize]!;
    total += size;
    const k = kinds.get(kind) ?? [0, 0];
    k[0] += size;
    k[1]++;
    kinds.set(kind, k);
  }
  return {
    totalMb: +(total / 1048576).toFixed(1),
    byKind: [...kinds]
      .sort((a, b) => b[1][0] - a[1][0])
      .slice(0, top)
      .map(([kind, [size, count]]) => ({
        kind,
        kbEach: +(size / 1024 / per).toFixed(2),
        countEach: +(count / per).toFixed(1),
      })),
  };
}
