// Compiles the example service (TypeScript → examples/dist with source maps) with the TypeScript API.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const here = dirname(fileURLToPath(import.meta.url));
const configPath = join(here, 'tsconfig.json');
const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: d => console.error(d.messageText) });
const program = ts.createProgram(config.fileNames, config.options);
// Tests build the example concurrently while others run it: an unchanged file is left alone and a changed one
// replaced atomically, so a running program never reads a half-written .js or .js.map.
function writeFileAtomically(file, text) {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
const result = program.emit(undefined, writeFileAtomically);
const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
for (const d of diagnostics) {
  const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
  console.error(where + ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}
if (diagnostics.length) process.exit(1);
