// Integration layer, runner 2: the mocha suite inside code-server's Node extension host, on a
// real folder on disk. Afterwards, checks from outside VS Code that the reports are on disk.
import fs from 'node:fs';
import path from 'node:path';
import { closeAll, launchBrowser, root, runSuiteInPage, startCodeServer } from './lib/harness.mjs';

const t0 = Date.now();
let code = 1;
try {
  const { url, workspace } = await startCodeServer({
    fixture: path.join(root, 'test/fixtures/workspace'),
    extensionTestsPath: path.join(root, 'dist/test/node/index.js'),
  });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  code = await runSuiteInPage(page, url, Number(process.env.TEST_TIMEOUT_MS || 300_000));
  const reports = path.join(workspace, '.csv-trainer/runs');
  const written = fs.existsSync(reports) ? fs.readdirSync(reports) : [];
  const json = written.filter((f) => f.endsWith('.json'));
  const leftovers = written.filter((f) => !f.endsWith('.json'));
  console.log(`on disk: ${json.length} report(s) in ${reports}${leftovers.length ? `, leftovers: ${leftovers.join(', ')}` : ''}`);
  for (const f of json) JSON.parse(fs.readFileSync(path.join(reports, f), 'utf8')); // each one complete JSON
  if (code === 0 && (json.length === 0 || leftovers.length > 0)) {
    console.error('expected reports on disk and no temporary files left behind');
    code = 1;
  }
} catch (error) {
  console.error('code-server test runner failed:', error.message);
} finally {
  await closeAll();
}
console.log(`code-server: exit code ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(code ?? 1);
