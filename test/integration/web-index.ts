// Test entry for VS Code for the Web's extension host (a Web Worker): mocha's browser build,
// bundled by esbuild. mocha 11, loaded with require: mocha 12's ESM wrapper breaks in the worker.
declare function require(id: string): unknown;
declare const process: { env: { INTEGRATION_GREP: string } };
require('mocha/mocha');

export function run(): Promise<void> {
  return new Promise((resolve, reject) => {
    // INTEGRATION_GREP (set when bundling) runs only the tests whose titles match
    const grep = process.env.INTEGRATION_GREP;
    mocha.setup({ ui: 'tdd', reporter: 'spec', color: false, timeout: 60_000, ...(grep ? { grep } : {}) });
    require('virtual:integration-tests');
    const runner = mocha.run((failures) => {
      const s = runner.stats!;
      console.log(`integration (web): ${s.passes} passed, ${s.failures} failed`);
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
  });
}
