// What the benchmarks share: each measured thing runs in its own Node process (so its peak memory
// is its own), from a bundle of the benchmark file itself, as the shipped CLI runs: a bundle under
// plain Node, not through the tsx loader (which alone adds about 50 MB).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Bundles `entry` (a benchmark file) into `dataDir/.<name>.js` and returns that path. */
export function bundleForChildren(entry: string, dataDir: string, name: string): string {
  // esbuild is a dev dependency (the project's bundler); loaded lazily so the child needs none of it.
  const esbuild = require('esbuild') as typeof import('esbuild');
  const outfile = join(dataDir, `.${name}.js`);
  esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    external: ['esbuild'],
    logLevel: 'error',
  });
  return outfile;
}

/** Runs `bundle --child task …args` and returns the JSON on the last line of its stdout. */
export function measureInChild<T>(bundle: string, task: string, ...args: string[]): T {
  const child = spawnSync(process.execPath, [bundle, '--child', task, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`${task} failed: ${child.stderr.trim()}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as T;
}
