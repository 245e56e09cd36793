#!/usr/bin/env node
'use strict';
// timerscope-lsp: the Timerscope language server for any LSP editor. It speaks LSP over stdio
// (--stdio), a Node IPC channel (--node-ipc, what the VS Code extension uses) or a socket (--socket=N).
const path = require('path');
const fs = require('fs');

const args = process.argv.slice(2);
const server = path.join(__dirname, '..', 'dist', 'server.js');
const usage = 'usage: timerscope-lsp --stdio | --node-ipc | --socket=<port>   (static timer analysis for JS/TS/JSX/TSX over LSP)';

if (args.includes('--help') || args.includes('-h')) {
  console.log(usage);
  process.exit(0);
}
if (args.includes('--version') || args.includes('-v')) {
  console.log(require('../package.json').version);
  process.exit(0);
}
if (!args.some(a => a === '--stdio' || a === '--node-ipc' || /^--socket=\d+$/.test(a) || /^--pipe=/.test(a))) {
  console.error(`timerscope-lsp: choose a transport. ${usage}`);
  process.exit(2);
}
if (!fs.existsSync(server)) {
  console.error(`timerscope-lsp: ${server} is missing; run \`npm run build\` in ${path.join(__dirname, '..')}`);
  process.exit(1);
}
require(server);
