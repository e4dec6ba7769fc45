// What the harness server answers in Grafana's place, reproducing the Go backend exactly
// (pkg/plugin/query.go, pkg/plugin/resources.go, pkg/collector/client.go).
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CollectorTarget {
  url: string;
  readToken: string;
}

interface GrafanaQueryBody {
  from?: string;
  to?: string;
  queries: Array<Record<string, unknown> & { refId: string; maxDataPoints?: number; intervalMs?: number }>;
}

/** Resource paths the Go backend maps; anything else under /api/v1/ passes through as is. */
const RESOURCE_ROUTES: Record<string, string> = { '/sessions': '/api/v1/sessions', '/health': '/api/v1/health' };
const QUERY_PATH = '/api/v1/query';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) {
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function describe(status: number, message: string): string {
  return status === 401 || status === 403
    ? `the collector refused the read token: ${message}`
    : `collector error: ${message}`;
}

async function collectorCall(c: CollectorTarget, method: string, path: string, body: string | undefined, role: string) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${c.readToken}`,
    'X-Grafana-Role': role,
    'X-Grafana-User': 'harness',
  };
  if (body) {
    headers['content-type'] = 'application/json';
  }
  const r = await fetch(`${c.url}${path}`, { method, headers, body });
  const text = await r.text();
  return { status: r.status, text };
}

function errorOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: string };
    return parsed.error || text;
  } catch {
    return text;
  }
}

/** POST /api/ds/query: Grafana's request becomes the collector's wire request; its answer goes back as is. */
export async function handleDsQuery(c: CollectorTarget, req: IncomingMessage, res: ServerResponse) {
  const body = JSON.parse(await readBody(req)) as GrafanaQueryBody;
  const from = Number(body.from);
  const to = Number(body.to);
  const wire = {
    queries: body.queries.map((q) => ({
      refId: q.refId,
      timeRange: { from, to },
      maxDataPoints: q.maxDataPoints ?? 100,
      intervalMs: q.intervalMs ?? 1000,
      query: q,
    })),
  };
  const r = await collectorCall(
    c,
    'POST',
    QUERY_PATH,
    JSON.stringify(wire),
    String(req.headers['x-harness-role'] ?? 'Editor')
  );
  if (r.status !== 200) {
    const message = describe(r.status, errorOf(r.text));
    return sendJson(res, 200, {
      results: Object.fromEntries(
        body.queries.map((q) => [q.refId, { status: r.status, error: message, errorSource: 'downstream' }])
      ),
    });
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(r.text);
}

/** /api/datasources/uid/<uid>/resources/<path>: the Go backend's resource proxy. */
export async function handleResource(
  c: CollectorTarget,
  path: string,
  search: string,
  req: IncomingMessage,
  res: ServerResponse
) {
  let target = RESOURCE_ROUTES[path];
  if (!target && path.startsWith('/api/v1/') && path !== QUERY_PATH) {
    target = path;
  }
  if (!target) {
    return sendJson(res, 404, { error: `unknown resource ${path}` });
  }
  const body = await readBody(req);
  const role = String(req.headers['x-harness-role'] ?? 'Editor');
  const r = await collectorCall(c, req.method ?? 'GET', target + search, body || undefined, role);
  if (r.status < 200 || r.status > 299) {
    return sendJson(res, r.status, { error: describe(r.status, errorOf(r.text)) });
  }
  // The Go proxy writes every 2xx answer as 200.
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(r.text);
}
