// Compiles the example service (TypeScript → examples/dist with source maps) with the TypeScript API.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const here = dirname(fileURLToPath(import.meta.url));
const configPath = join(here, 'tsconfig.json');
const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: d => console.error(d.messageText) });
const program = ts.createProgram(config.fileNames, config.options);
const result = program.emit();
const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
for (const d of diagnostics) {
  const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
  console.error(where + ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}
if (diagnostics.length) process.exit(1);
