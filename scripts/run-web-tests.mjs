// Integration layer, runner 1: the mocha suite inside VS Code for the Web's extension host.
import path from 'node:path';
import fs from 'node:fs';
import { closeAll, launchBrowser, root, runSuiteInPage, startWebServer } from './lib/harness.mjs';

const testsPath = path.join(root, 'dist/test/web/index.js');
if (!fs.existsSync(testsPath)) {
  console.error(`missing ${testsPath}: run the build first (node esbuild.mjs)`);
  process.exit(2);
}
const t0 = Date.now();
let code = 1;
try {
  const { url } = await startWebServer({ workspace: path.join(root, 'test/fixtures/workspace'), extensionTestsPath: testsPath });
  const browser = await launchBrowser();
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  code = await runSuiteInPage(page, url, Number(process.env.TEST_TIMEOUT_MS || 300_000));
} catch (error) {
  console.error('web test runner failed:', error.message);
} finally {
  await closeAll();
}
console.log(`VS Code for the Web: exit code ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(code ?? 1);
