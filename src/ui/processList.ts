/**
 * Local Node.js processes for the "Attach to Node Process…" quick pick, with their inspector state read
 * from their command line (`--inspect…`). Linux reads /proc; other systems ask `ps`.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { parseInspectArgs, readCommandLine } from '../inspector/processAttach';

export type NodeProcess = {
  pid: number;
  argv: string[];
  /** The command line asks for an inspector (it may be on already). */
  inspector: { enabled: boolean; host?: string; port?: number };
  /** A VS Code or code-server process of our own (listed last, labelled). */
  editorOwn: boolean;
};

const isNode = (argv: string[]) => /(^|[\\/])(node|nodejs|node\d+)(\.exe)?$/.test(argv[0] ?? '');
const isEditorOwn = (argv: string[]) => argv.some(a => /code-server|vscode|--type=extensionHost|bootstrap-fork|extensionHostProcess|server-main/.test(a));

async function procPids(): Promise<number[] | undefined> {
  try {
    return (await fs.readdir('/proc')).filter(n => /^\d+$/.test(n)).map(Number);
  } catch {
    return undefined;
  }
}

function psList(): Promise<{ pid: number; argv: string[] }[]> {
  return new Promise(resolve =>
    execFile('ps', ['-axo', 'pid=,args='], { maxBuffer: 8 << 20 }, (err, out) => {
      if (err) return resolve([]);
      resolve(
        out
          .split('\n')
          .map(l => /^\s*(\d+)\s+(.*)$/.exec(l))
          .filter((m): m is RegExpExecArray => !!m)
          .map(m => ({ pid: Number(m[1]), argv: m[2].split(/\s+/) })),
      );
    }),
  );
}

/** Node.js processes other than `exclude` (our own extension host), user programs first. */
export async function listNodeProcesses(exclude: number[] = [process.pid]): Promise<NodeProcess[]> {
  const pids = await procPids();
  const all = pids
    ? (await Promise.all(pids.map(async pid => ({ pid, argv: (await readCommandLine(pid)) ?? [] })))).filter(p => p.argv.length)
    : await psList();
  return all
    .filter(p => !exclude.includes(p.pid) && isNode(p.argv))
    .map(p => ({ pid: p.pid, argv: p.argv, inspector: parseInspectArgs(p.argv), editorOwn: isEditorOwn(p.argv) }))
    .sort((a, b) => Number(a.editorOwn) - Number(b.editorOwn) || b.pid - a.pid);
}
