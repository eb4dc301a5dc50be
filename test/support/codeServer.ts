// Starts a real VS Code (code-server from npm, installed by scripts/setup.sh) for integration tests, the
// try-it script and benches. Everything it writes lives in one work folder; it runs in its own process group
// and the whole group is killed on stop, on exit and on SIGINT/SIGTERM.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/**
 * The two VS Code builds the tests run in, both installed by scripts/setup.sh: the oldest we claim (engines.vscode,
 * on the machine's Node 20, where the cache uses sql.js) and the newest code-server the registry serves (VS Code
 * 1.139, which needs Node 22+: it runs with the Node 24 setup.sh installs). JUDGE_ALIGN_CODE_SERVER picks one.
 */
export const CODE_SERVERS = {
  minimum: { version: '4.100.3', dir: path.join(REPO_ROOT, '.cache', 'code-server'), nodeBin: undefined },
  newest: {
    version: '4.139.1',
    dir: path.join(REPO_ROOT, '.cache', 'code-server-4.139'),
    nodeBin: path.join(REPO_ROOT, '.cache', 'node24', 'node_modules', 'node', 'bin'),
  },
} as const;
export type CodeServerBuild = keyof typeof CODE_SERVERS;

function chosenBuild(): CodeServerBuild {
  const wanted = process.env.JUDGE_ALIGN_CODE_SERVER ?? 'minimum';
  if (wanted === 'minimum' || wanted === 'newest') return wanted;
  throw new Error(`JUDGE_ALIGN_CODE_SERVER=${wanted} is not a code-server build the tests know: use minimum or newest.`);
}

export const CODE_SERVER_BUILD = chosenBuild();
export const CODE_SERVER_BIN = path.join(CODE_SERVERS[CODE_SERVER_BUILD].dir, 'node_modules', '.bin', 'code-server');

export interface CodeServerOptions {
  /** A vsix to install before starting. */
  readonly vsix?: string;
  /** User settings merged over the quiet defaults. */
  readonly settings?: Record<string, unknown>;
  /** Extra environment for the server and so for the extension host. */
  readonly env?: Record<string, string>;
  /** Keep Workspace Trust on (off by default so tests are not stopped by the trust dialog). */
  readonly workspaceTrust?: boolean;
  /** Where to keep user data, extensions and temp files; a fresh temp folder by default. */
  readonly workDir?: string;
  readonly port?: number;
  readonly host?: string;
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly workDir: string;
  /** Where the server's own output goes. */
  readonly logFile: string;
  stop(): Promise<void>;
}

const QUIET_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'git.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of running) killGroup(c);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const c of running) killGroup(c);
      process.exit(130);
    });
  }
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  if (!fs.existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server ${CODE_SERVERS[CODE_SERVER_BUILD].version} is not installed at ${CODE_SERVER_BIN}: run bash scripts/setup.sh first.`);
  }
  const workDir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'judge-align-vscode-'));
  const dirs = {
    userData: path.join(workDir, 'user-data'),
    extensions: path.join(workDir, 'extensions'),
    tmp: path.join(workDir, 'tmp'),
    config: path.join(workDir, 'config'),
    data: path.join(workDir, 'data'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  const configFile = path.join(dirs.config, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: path.join(workDir, 'cache'),
    ...options.env,
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  // code-server's launcher runs the first `node` on PATH.
  const nodeBin = CODE_SERVERS[CODE_SERVER_BUILD].nodeBin;
  if (nodeBin) env.PATH = `${nodeBin}${path.delimiter}${env.PATH ?? ''}`;
  // code-server takes PORT from the environment over --bind-addr: try.sh's PORT must not override the port chosen.
  delete env.PORT;
  const common = ['--config', configFile, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  if (options.vsix) {
    execFileSync(CODE_SERVER_BIN, [...common, '--install-extension', options.vsix, '--force'], { env, stdio: 'pipe' });
  }
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const args = [
    ...common,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
  ];
  const logFile = path.join(workDir, 'code-server.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(CODE_SERVER_BIN, args, { env, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  running.add(child);
  hookExit();
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}); see ${logFile}:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error(`code-server did not answer on ${url} within 60 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    port,
    workDir,
    logFile,
    async stop() {
      killGroup(child);
      running.delete(child);
      await new Promise((r) => setTimeout(r, 100));
    },
  };
}

/** The URL that opens a folder, optionally with a development extension and an extension-host test suite. */
export function folderUrl(server: CodeServer, folder: string, dev?: { extensionPath: string; testsPath?: string }): string {
  let url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  if (dev) {
    const host = new URL(server.url).host;
    const payload: [string, string][] = [['extensionDevelopmentPath', `vscode-remote://${host}${dev.extensionPath}`]];
    if (dev.testsPath) payload.push(['extensionTestsPath', `vscode-remote://${host}${dev.testsPath}`]);
    url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }
  return url;
}
