// The inspector's message validators: what the untrusted webview may send, and what the host sends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { profileCsv } from '../../src/core/csv';
import {
  MAX_ROWS_PER_REQUEST,
  parseInspectorHostMessage,
  parseInspectorWebviewMessage,
} from '../../src/core/inspectorProtocol';

test('webview messages: well-formed ones pass, anything else is refused with a reason', () => {
  assert.ok(parseInspectorWebviewMessage({ type: 'ready' }).ok);
  assert.ok(parseInspectorWebviewMessage({ type: 'train', mode: 'online', target: 'y', features: ['x'] }).ok);
  assert.ok(parseInspectorWebviewMessage({ type: 'requestRows', requestId: 3, start: 0, count: 40 }).ok);
  const refused = [
    null,
    'ready',
    { type: '__proto__' },
    { type: 'toString' },
    { type: 'requestRows', requestId: 1, start: -1, count: 10 },
    { type: 'requestRows', requestId: 1, start: 0, count: MAX_ROWS_PER_REQUEST + 1 },
    { type: 'openLine', line: 0 },
    { type: 'openLine', line: 1.5 },
    { type: 'train', mode: 'fast', target: 'y', features: [] },
    { type: 'train', mode: 'batch', target: 7, features: [] },
  ];
  for (const message of refused) {
    const parsed = parseInspectorWebviewMessage(message);
    assert.equal(parsed.ok, false, JSON.stringify(message));
  }
});

test('host messages: a real profile, through JSON (NaN becomes null), passes', async () => {
  const profile = await profileCsv([new TextEncoder().encode('x,label\n1,a\n2,b\n,a\n')]);
  const message = JSON.parse(JSON.stringify({ type: 'profile', profile, rowsIndexed: 3, elapsedMs: 1.5 }));
  assert.deepEqual(parseInspectorHostMessage(message), { ok: true, message });
  const broken = { ...message, profile: { ...message.profile, columns: [{ name: 'x' }] } };
  assert.equal(parseInspectorHostMessage(broken).ok, false);
});
