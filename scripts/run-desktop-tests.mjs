// Integration layer on desktop VS Code through @vscode/test-electron. It downloads VS Code, so it
// needs the internet: not run by CI here (see README). Same suite as the code-server runner.
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { root } from './lib/harness.mjs';

try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'dist/test/node/index.js'),
    launchArgs: [path.join(root, 'test/fixtures/workspace'), '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error('desktop tests failed:', error.message);
  process.exit(1);
}
