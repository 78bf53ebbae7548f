// Run the real Debian nginx (/usr/sbin/nginx) on the generated storefront config:
// a minimal main nginx.conf in a temp prefix (like nginx-unprivileged's, but every
// path inside the prefix), started as an unprivileged user, on a free loopback port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { assembleSite } from '../../../apps/web/src/assemble.ts';
import { nginxConfig, type NginxProps } from '../../../generators/nginx.ts';
import { freePort } from '@marquee/kit/testing';

export const nginxBin = '/usr/sbin/nginx';

/** Fails at once, naming the package, when nginx is not installed (instead of a test timing out later). */
export function requireNginx(): void {
  if (!existsSync(nginxBin)) throw new Error(`${nginxBin} not found: install Debian's nginx-light (.ci/run does: apt-get install nginx-light)`);
}
/** uid/gid nginx runs as when the test runs as root: `nobody`, like the image's uid 101, owns nothing else. */
const unprivileged = 65534;


/** The main nginx.conf: what nginx-unprivileged ships, with pid/logs/temp paths in `prefix`. */
export function mainConf(prefix: string, serverConf: string): string {
  return `# test harness main config (mirrors nginxinc/nginx-unprivileged's nginx.conf)
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log notice;
events { worker_connections 256; }
http {
    client_body_temp_path ${prefix}/client_temp;
    proxy_temp_path ${prefix}/proxy_temp;
    fastcgi_temp_path ${prefix}/fastcgi_temp;
    uwsgi_temp_path ${prefix}/uwsgi_temp;
    scgi_temp_path ${prefix}/scgi_temp;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log ${prefix}/main-access.log;
    sendfile on;
    keepalive_timeout 65;
    include ${serverConf};
}
`;
}

/** `nginx -t` on a main config; returns nginx's own output (it reports on stderr). */
export function nginxTest(prefix: string, conf: string, uid?: number): { ok: boolean; output: string } {
  requireNginx();
  const r = spawnSync(nginxBin, ['-t', '-p', prefix, '-c', conf], {
    encoding: 'utf8',
    timeout: 20_000,
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

export interface RunningNginx {
  readonly url: string;
  readonly port: number;
  readonly prefix: string;
  readonly accessLog: string;
  readonly errorLog: string;
  /** Graceful stop (SIGQUIT, as the image's STOPSIGNAL), then SIGKILL after 5 s; removes the prefix. */
  stop(): Promise<void>;
}

function chownTree(path: string, id: number): void {
  chownSync(path, id, id);
  if (statSync(path).isDirectory()) for (const e of readdirSync(path)) chownTree(join(path, e), id);
}

/**
 * Assemble the storefront into the prefix (as the image does), render nginxConfig() with
 * `props`, check it with `nginx -t`, start nginx in the foreground and wait until /healthz
 * answers. Throws with nginx's output if either step fails.
 */
export async function startNginx(props: Omit<NginxProps, 'root' | 'port' | 'address' | 'tempDir' | 'accessLog'>): Promise<RunningNginx & { readonly assets: ReadonlyMap<string, string> }> {
  requireNginx();
  const prefix = mkdtempSync(join(tmpdir(), 'marquee-nginx-'));
  const port = await freePort();
  const accessLog = join(prefix, 'access.log');
  const errorLog = join(prefix, 'error.log');
  const { assets } = assembleSite(join(prefix, 'html'));
  writeFileSync(
    join(prefix, 'default.conf'),
    nginxConfig({ ...props, root: join(prefix, 'html'), port, address: '127.0.0.1', tempDir: prefix, accessLog }),
  );
  writeFileSync(join(prefix, 'nginx.conf'), mainConf(prefix, join(prefix, 'default.conf')));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownTree(prefix, unprivileged);

  const check = nginxTest(prefix, join(prefix, 'nginx.conf'), asRoot ? unprivileged : undefined);
  if (!check.ok) {
    rmSync(prefix, { recursive: true, force: true });
    throw new Error(`nginx -t failed:\n${check.output}`);
  }
  const child: ChildProcess = spawn(nginxBin, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(asRoot ? { uid: unprivileged, gid: unprivileged } : {}),
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(prefix, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`nginx exited with ${child.exitCode}:\n${stderr}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not answer /healthz within 10 s:\n${stderr}`);
    }
    await sleep(50);
  }
  return { url, port, prefix, accessLog, errorLog, stop, assets };
}
