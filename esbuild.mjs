// One build script, several bundles: extension host for Node and for the web, the webview (iife),
// the CLI, the integration test suites, and the JSON Schemas of the run and comparison reports. Type
// checking is separate (`npm run typecheck`). `--watch` rebuilds on change; `--production` minifies and drops source maps.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  target: 'es2022',
  logLevel: 'warning',
  legalComments: 'none',
};

// The integration suites are every test/integration/*.test.ts: the web entry requires them through
// this virtual module (a worker has no file system to glob), the Node entry gets one file each.
const integrationTests = fs.readdirSync('test/integration').filter((f) => f.endsWith('.test.ts')).sort();
const integrationTestsPlugin = {
  name: 'integration-tests',
  setup(build) {
    build.onResolve({ filter: /^virtual:integration-tests$/ }, () => ({ path: 'integration-tests', namespace: 'virtual' }));
    build.onLoad({ filter: /.*/, namespace: 'virtual' }, () => ({
      contents: integrationTests.map((f) => `require(${JSON.stringify('./' + f.replace(/\.ts$/, ''))});`).join('\n'),
      resolveDir: path.resolve('test/integration'),
      loader: 'js',
    }));
  },
};

// A production build starts from an empty dist/, so no stale source map reaches the VSIX.
if (production) fs.rmSync('dist', { recursive: true, force: true });

const builds = [
  // Extension host, Node (desktop VS Code, code-server, remote)
  { ...common, platform: 'node', format: 'cjs', external: ['vscode'], entryPoints: ['src/extension.node.ts'], outfile: 'dist/node/extension.js' },
  // Extension host, web worker (VS Code for the Web)
  { ...common, platform: 'browser', format: 'cjs', external: ['vscode'], entryPoints: ['src/extension.web.ts'], outfile: 'dist/web/extension.js',
    define: { global: 'globalThis' } },
  // Webview UI
  { ...common, platform: 'browser', format: 'iife', entryPoints: { main: 'webview/main.ts', inspector: 'webview/inspector/main.ts', compare: 'webview/compare/main.ts' }, outdir: 'dist/webview',
    loader: { '.css': 'css' } },
  // CLI
  // mainFields: tfjs' CommonJS entries are not listed in their `sideEffects`, so bundling them would
  // drop the imports that register the cpu backend and kernels; their ES modules are listed.
  { ...common, platform: 'node', format: 'cjs', mainFields: ['module', 'main'], entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' } },
  // The CLI's CSV reader thread (src/node/rowWorker.ts), loaded from beside dist/cli.js
  { ...common, platform: 'node', format: 'cjs', entryPoints: ['src/node/rowWorker.ts'], outfile: 'dist/rowWorker.js' },
  // Integration suite for the web extension host (mocha's browser build, bundled)
  { ...common, platform: 'browser', format: 'cjs', external: ['vscode'], entryPoints: ['test/integration/web-index.ts'],
    outfile: 'dist/test/web/index.js', define: { global: 'globalThis', 'process.env.NODE_DEBUG': 'false', 'process.env.INTEGRATION_GREP': JSON.stringify(process.env.INTEGRATION_GREP ?? '') }, plugins: [integrationTestsPlugin] },
  // Integration suite for the Node extension host (mocha required at run time)
  { ...common, platform: 'node', format: 'cjs', external: ['vscode', 'mocha'], entryPoints: { index: 'test/integration/node-index.ts', ...Object.fromEntries(integrationTests.map((f) => [f.replace(/\.ts$/, ''), `test/integration/${f}`])) },
    outdir: 'dist/test/node' },
];

function copyStatic() {
  // tfjs wasm binaries, loaded by the CLI and the webview through setWasmPaths
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  fs.mkdirSync('dist/wasm', { recursive: true });
  for (const f of fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) {
    fs.copyFileSync(path.join(wasmDir, f), path.join('dist/wasm', f));
  }
}

async function writeSchema(entry, exportName, outfile) {
  // Each schema is generated from the same source as its report's TypeScript type.
  const out = await esbuild.build({ ...common, sourcemap: false, minify: false, platform: 'node', format: 'cjs',
    entryPoints: [entry], write: false });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, require);
  fs.writeFileSync(outfile, JSON.stringify(mod.exports[exportName], null, 2) + '\n');
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  copyStatic();
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  copyStatic();
  await writeSchema('src/core/report.ts', 'reportJsonSchema', 'dist/report.schema.json');
  await writeSchema('src/core/comparison.ts', 'comparisonJsonSchema', 'dist/comparison.schema.json');
  fs.chmodSync('dist/cli.js', 0o755);
}
