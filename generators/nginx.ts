// nginx server block for the storefront: static files, /api proxied to the gateway.
// Checked with the real `nginx -t` in tests (apps/web owns the static files).
import { probes, services } from '@marquee/contract';

export interface NginxProps {
  /** Upstream for /api. @default http://api-gateway:3000 */
  readonly gateway?: string;
  /** Directory holding index.html. @default /usr/share/nginx/html */
  readonly root?: string;
  /** @default 8080 */
  readonly port?: number;
}

export function nginxConfig(p: NginxProps = {}): string {
  const gateway = p.gateway ?? `http://api-gateway:${services['api-gateway'].port}`;
  const root = p.root ?? '/usr/share/nginx/html';
  const port = p.port ?? services.web.port;
  return `server {
    listen ${port};
    server_tokens off;
    root ${root};

    location = ${probes.liveness} { access_log off; default_type text/plain; return 200 "ok\\n"; }
    location = ${probes.readiness} { access_log off; default_type text/plain; return 200 "ready\\n"; }

    location /api/ {
        proxy_pass ${gateway};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Request-Id $request_id;
        proxy_connect_timeout 2s;
        proxy_read_timeout 10s;
    }

    location / {
        try_files $uri $uri/ /index.html;
        add_header Cache-Control "no-cache";
    }
}
`;
}
