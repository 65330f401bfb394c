// Backend selection. tfjs falls back silently when a backend cannot start, so the result of
// `setBackend` and `getBackend()` are both checked and the backend that really runs is reported.
// cpu and wasm register themselves here; the webview also imports '@tensorflow/tfjs-backend-webgl'
// (kept out of this module so the CLI bundle does not carry WebGL).
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerOnlineKernels } from './onlineKernel';
import type { BackendName, BackendSelection } from './types';

export type BackendPreference = 'auto' | BackendName;

export interface BackendEnvironment {
  /** True in a webview/browser (WebGL is considered); false in Node (cpu or wasm only). */
  browser: boolean;
  /** Directory (or URL prefix, ending in '/') holding the tfjs-backend-wasm .wasm files. */
  wasmPath?: string;
  /** Hint for `auto`: 'batch' = batched matrix products (softmax/MLP mini-batches), else per-sample loops. */
  workload?: 'per-sample' | 'batch';
}

/** Renderers that are WebGL on the CPU: slower than wasm or cpu for these models. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|mesa offscreen/i;

export async function selectBackend(
  preferred: BackendPreference,
  env: BackendEnvironment,
): Promise<BackendSelection> {
  if (env.wasmPath) setWasmPaths(env.wasmPath);
  // A bare `import '@tensorflow/tfjs-backend-cpu'` is dropped by bundlers: its Node entry file is not
  // in the package's "sideEffects" list. Registering from a used binding keeps it in every bundle.
  if (!tf.findBackendFactory('cpu')) tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
  // In Node: no debug checks, and no "install tfjs-node" banner (it cannot be installed here).
  if (!env.browser) tf.env().set('PROD', true);
  registerOnlineKernels();
  if (preferred === 'auto') {
    if (env.browser) {
      const webgl = await trySetBackend('webgl');
      if (webgl.ok) {
        const renderer = webglRenderer();
        if (renderer && !SOFTWARE_RENDERERS.test(renderer))
          return { name: 'webgl', renderer, reason: `auto: WebGL on a GPU (${renderer})` };
        const fastest = await fastestCpuBackend(env);
        return {
          ...fastest,
          ...(renderer ? { renderer } : {}),
          reason: `auto: WebGL renders in software (${renderer ?? 'unknown renderer'}); ${fastest.reason}`,
        };
      }
      const fastest = await fastestCpuBackend(env);
      return { ...fastest, reason: `auto: WebGL unavailable (${webgl.why}); ${fastest.reason}` };
    }
    // Node: the fused linear/logistic kernels are plain loops on any backend (cpu avoids wasm's
    // heap copies); wasm's XNNPACK matMul wins for batched softmax/MLP matrix products.
    if (env.workload === 'batch' && env.wasmPath) {
      const wasm = await trySetBackend('wasm');
      if (wasm.ok) return { name: 'wasm', reason: 'auto: wasm for mini-batch matrix products in Node' };
      await trySetBackend('cpu');
      return { name: 'cpu', reason: `auto: wasm unavailable (${wasm.why}), using cpu` };
    }
    await trySetBackend('cpu');
    return { name: 'cpu', reason: 'auto: cpu in Node' };
  }
  if (preferred === 'webgl' && !env.browser) {
    await trySetBackend('cpu');
    return { name: 'cpu', reason: 'webgl requested but not available outside a browser; using cpu' };
  }
  const attempt = await trySetBackend(preferred);
  if (attempt.ok) {
    const renderer = preferred === 'webgl' ? webglRenderer() : undefined;
    return { name: preferred, ...(renderer ? { renderer } : {}), reason: `requested ${preferred}` };
  }
  const fallback: BackendName = preferred === 'cpu' ? 'wasm' : 'cpu';
  const second = await trySetBackend(fallback);
  if (!second.ok)
    throw new Error(`no tfjs backend could start: ${preferred}: ${attempt.why}; ${fallback}: ${second.why}`);
  return {
    name: fallback,
    reason: `requested ${preferred} is unavailable (${attempt.why}); fell back to ${fallback}`,
  };
}

async function trySetBackend(name: BackendName): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    const accepted = await tf.setBackend(name);
    await tf.ready();
    if (!accepted) return { ok: false, why: 'setBackend returned false' };
    if (tf.getBackend() !== name) return { ok: false, why: `tfjs runs ${tf.getBackend()} instead` };
    return { ok: true };
  } catch (error) {
    return { ok: false, why: error instanceof Error ? error.message : String(error) };
  }
}

/** The unmasked renderer string, when the browser exposes WEBGL_debug_renderer_info. */
function webglRenderer(): string | undefined {
  try {
    const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGLLikeContext } };
    const gl = backend.gpgpu?.gl;
    if (!gl) return undefined;
    const info = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
    const renderer = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    return typeof renderer === 'string' ? renderer : undefined;
  } catch {
    return undefined;
  }
}

interface WebGLLikeContext {
  RENDERER: number;
  getExtension(name: string): unknown;
  getParameter(parameter: number): unknown;
}

/** Times a small per-sample-like and batch-like workload on wasm and cpu, keeps the faster. */
async function fastestCpuBackend(env: BackendEnvironment): Promise<BackendSelection> {
  const timings: { name: BackendName; ms: number }[] = [];
  for (const name of ['wasm', 'cpu'] as const) {
    if (!(await trySetBackend(name)).ok) continue;
    timings.push({ name, ms: measureWorkload(env.workload ?? 'batch') });
  }
  if (timings.length === 0) throw new Error('neither wasm nor cpu could start');
  timings.sort((a, b) => a.ms - b.ms);
  await trySetBackend(timings[0].name);
  return {
    name: timings[0].name,
    reason: `measured ${timings.map((t) => `${t.name} ${t.ms.toFixed(1)} ms`).join(', ')}: ${timings[0].name} is faster`,
  };
}

function measureWorkload(workload: 'per-sample' | 'batch'): number {
  const rows = workload === 'batch' ? 512 : 1;
  const x = tf.randomUniform([rows, 16]);
  const w = tf.variable(tf.zeros([16, 1]));
  const run = () =>
    tf.tidy(() => {
      const residual = tf.matMul(x, w);
      w.assign(tf.sub(w, tf.mul(0.001, tf.matMul(x, residual, true, false))));
    });
  run();
  w.dataSync();
  const start = typeof performance !== 'undefined' ? performance.now() : Date.now();
  for (let i = 0; i < 30; i++) run();
  w.dataSync();
  const ms = (typeof performance !== 'undefined' ? performance.now() : Date.now()) - start;
  x.dispose();
  w.dispose();
  return ms;
}
