// Builds the separate bundles: extension host, CLI, language server, in-target agent and webview.
// Usage: node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  sourcemap: !production,
  sourcesContent: false,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  define: { TIMERSCOPE_VERSION: JSON.stringify(pkg.version) },
};

/** One row per runtime: where it runs decides platform, format and target. */
const entries = [
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node18' },
  { entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js', platform: 'node', format: 'cjs', target: 'node18' },
  // The agent runs inside the user's process, possibly an old Node: no externals, an IIFE, a sourceURL.
  // ASCII only: Node's inspector drops a NodeWorker message with a multi-byte character in it, so a
  // non-ASCII character anywhere in the bundle made injection into worker threads hang.
  { entryPoints: ['src/agent/agent.ts'], outfile: 'dist/agent.js', platform: 'node', format: 'iife', target: 'node18', charset: 'ascii',
    footer: { js: '//# sourceURL=timerscope-agent.js' }, sourcemap: false, minify: false },
  { entryPoints: ['webview/main.ts'], outfile: 'dist/webview/timeline.js', platform: 'browser', format: 'iife', target: 'es2022' },
].filter(e => existsSync(e.entryPoints[0]));

// Fail the build if a pure bundle pulls in the `vscode` module.
const noVscode = {
  name: 'no-vscode',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, args => ({ errors: [{ text: `'vscode' imported from ${args.importer}` }] }));
  },
};

const contexts = await Promise.all(
  entries.map(e => esbuild.context({ ...common, ...e, plugins: e.external?.includes('vscode') ? [] : [noVscode] })),
);
if (watch) {
  await Promise.all(contexts.map(c => c.watch()));
  console.log('[esbuild] watching', entries.map(e => e.outfile).join(', '));
} else {
  try {
    await Promise.all(contexts.map(c => c.rebuild()));
  } finally {
    await Promise.all(contexts.map(c => c.dispose()));
  }
}
