// Integration layer, runner 2: the mocha suite inside code-server's Node extension host, on a
// real folder on disk. Afterwards, checks from outside VS Code that the reports are on disk. Then a
// second pass opens the same fixture untrusted (Restricted Mode) and runs the "Untrusted
// workspace" suite, which the first pass skips; nothing may be written then.
import fs from 'node:fs';
import path from 'node:path';
import { closeAll, launchBrowser, root, runSuiteInPage, startCodeServer } from './lib/harness.mjs';

const t0 = Date.now();
const timeoutMs = Number(process.env.TEST_TIMEOUT_MS || 300_000);

/** One code-server run of the suite; the reports it left on disk must be as `expectReports` says. */
async function pass({ untrusted, expectReports }) {
  try {
    const { url, workspace } = await startCodeServer({
      fixture: path.join(root, 'test/fixtures/workspace'),
      extensionTestsPath: path.join(root, 'dist/test/node/index.js'),
      untrusted,
      env: untrusted ? { INTEGRATION_GREP: 'Untrusted workspace' } : {},
    });
    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let code = await runSuiteInPage(page, url, timeoutMs);
    const reports = path.join(workspace, '.csv-trainer/runs');
    const written = fs.existsSync(reports) ? fs.readdirSync(reports) : [];
    const json = written.filter((f) => f.endsWith('.json'));
    const leftovers = written.filter((f) => !f.endsWith('.json'));
    console.log(
      `on disk${untrusted ? ' (untrusted)' : ''}: ${json.length} report(s) in ${reports}${leftovers.length ? `, leftovers: ${leftovers.join(', ')}` : ''}`,
    );
    for (const f of json) JSON.parse(fs.readFileSync(path.join(reports, f), 'utf8')); // each one complete JSON
    if (code === 0 && (expectReports ? json.length === 0 : json.length > 0)) {
      console.error(
        expectReports ? 'expected reports on disk' : 'an untrusted workspace got reports written',
      );
      code = 1;
    }
    if (code === 0 && leftovers.length > 0) {
      console.error('temporary files were left behind');
      code = 1;
    }
    return code ?? 1;
  } catch (error) {
    console.error('code-server test runner failed:', error.message);
    return 1;
  } finally {
    await closeAll();
  }
}

let code = await pass({ untrusted: false, expectReports: true });
if (code === 0) code = await pass({ untrusted: true, expectReports: false });
console.log(`code-server: exit code ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(code);
