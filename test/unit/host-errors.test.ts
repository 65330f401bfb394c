// What the host shows of a webview's text in a notification: no link, bounded.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { notificationText } from '../../src/host/errors';

describe('notificationText', () => {
  it('turns no text into a link, a command link included', () => {
    const shown = notificationText(
      'WebGL lost. [Reinstall](command:workbench.action.terminal.new) [x](https://e.example)',
    );
    assert.doesNotMatch(shown, /\[|\]/);
    assert.doesNotMatch(shown, /\]\(/);
    assert.match(shown, /^WebGL lost\. \(Reinstall\)\(command:/);
  });

  it('keeps plain text as it is and cuts long text', () => {
    assert.equal(
      notificationText('training diverged: try a lower learning rate'),
      'training diverged: try a lower learning rate',
    );
    const long = notificationText('x'.repeat(2000));
    assert.equal(long.length, 501);
    assert.ok(long.endsWith('…'));
  });
});
