import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/**
 * `dunghan serve` started as an operator starts it (`node local/bin/dunghan.mjs serve …`), for the tests
 * and benches that stop it, kill it and start it again: the process it runs in, where it listens, what it
 * printed. The bin may hand over to a second process (a larger heap, Node 22): `servingPid` is the one
 * that serves, read from /proc on Linux (the bin's only node child), the bin's own otherwise.
 */

const BIN = fileURLToPath(new URL('../bin/dunghan.mjs', import.meta.url));

export interface ServeProcess {
  bin: ChildProcessByStdio<null, Readable, Readable>;
  port: number;
  url: string;
  /** The process that serves (the bin's child when it handed over). */
  servingPid: number;
  /** Everything it printed so far (stdout and stderr, interleaved). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when the output matches (or rejects when the process exits first, or after `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
}

export interface ServeOptions {
  node?: string;
  /** Options of node itself (`--cpu-prof`): with them, serve runs in the process started here. */
  nodeOptions?: string[];
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

/** The environment of a `dunghan` that an operator starts (not the child of another one). */
export function operatorEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DUNGHAN_HEAP_SET;
  delete env.DUNGHAN_DEBUG;
  return env;
}

export async function startServe(options: ServeOptions = {}): Promise<ServeProcess> {
  const nodeOptions = options.nodeOptions ?? [];
  const env = options.env ?? operatorEnv();
  // The bin would start serve again in a second process (a larger heap), without these options.
  if (nodeOptions.length > 0) env.DUNGHAN_HEAP_SET = '1';
  const bin = spawn(
    options.node ?? process.execPath,
    [...nodeOptions, BIN, 'serve', '--port', '0', ...(options.args ?? [])],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    bin.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let output = '';
  const watchers = new Set<() => void>();
  const seen = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of watchers) w();
  };
  bin.stdout.on('data', seen);
  bin.stderr.on('data', seen);
  const waitFor = (pattern: RegExp, ms = 60_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        watchers.delete(check);
        clearTimeout(timer);
      };
      const check = () => {
        const m = pattern.exec(output);
        if (m) {
          done();
          resolve(m);
        }
      };
      timer = setTimeout(() => {
        done();
        reject(new Error(`serve: ${pattern} not seen within ${ms} ms:\n${output}`));
      }, ms);
      watchers.add(check);
      check();
      void exited.then(() => {
        if (!watchers.has(check)) return;
        done();
        reject(new Error(`serve exited before ${pattern}:\n${output}`));
      });
    });
  const m = await waitFor(/serving on http:\/\/127\.0\.0\.1:(\d+)/);
  const port = Number(m[1]);
  const children = process.platform === 'linux' ? childrenOf(bin.pid!) : [];
  return {
    bin,
    port,
    url: `http://127.0.0.1:${port}`,
    servingPid: children.length === 1 ? children[0]! : bin.pid!,
    output: () => output,
    exited,
    waitFor,
  };
}

/** The processes whose parent is `pid` (Linux: /proc). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The resident set of a process in KB (Linux: /proc/<pid>/status), null elsewhere or when it is gone. */
export function rssKb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** CPU time a process has used so far, user and system, in ms (Linux: /proc/<pid>/stat), null elsewhere. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}
