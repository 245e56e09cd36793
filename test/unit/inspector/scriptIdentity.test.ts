/** The text-at-location check that identifies scripts without the Debugger (positions as V8 reports them). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definedAt } from '../../../src/inspector/scriptIdentity';

const file = ['function poll() {}', 'class K { tick() {} }', 'const f = a => a;', 'setInterval(() => {}, 5);'].join('\r\n');

test('a function is found at its [[FunctionLocation]]: the parameter list, or the first token', () => {
  assert.equal(definedAt(file, 'function poll() {}', 0, 13), true, 'declaration: location at the parameters');
  assert.equal(definedAt(file, 'class K { tick() {} }', 1, 0), true, 'class: location at `class`');
  assert.equal(definedAt(file, 'tick() {}', 1, 14), true, 'method');
  assert.equal(definedAt(file, 'a => a', 2, 10), true, 'arrow without parentheses');
  assert.equal(definedAt(file, '() => {}', 3, 12), true, 'arrow callback, CRLF line ends');
});

test('the same text elsewhere, or another text there, is not a match', () => {
  assert.equal(definedAt(file, 'function poll() {}', 0, 12), false, 'one column off');
  assert.equal(definedAt(file, 'function poll() {}', 1, 13), false, 'another line');
  assert.equal(definedAt(file, 'function poll() { return 1; }', 0, 13), false, 'the file has changed since it was loaded');
  assert.equal(definedAt(file, '() => {}', 9, 0), false, 'beyond the end');
});
