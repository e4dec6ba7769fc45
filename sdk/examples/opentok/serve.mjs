// A manual check of the OpenTok.js adapter against Vonage's real servers (this project's tests
// cannot reach them): serves a page that joins a Vonage Video session with OpenTok.js, publishes
// the camera, subscribes to every other stream, and sends it all to a collector through the SDK.
// See docs/sdk.md ("The OpenTok.js adapter against Vonage").
//   VONAGE_APP_ID=… VONAGE_SESSION_ID=… VONAGE_TOKEN=… COLLECTOR_URL=http://127.0.0.1:8600 \
//   INGEST_TOKEN=demo-ingest node sdk/examples/opentok/serve.mjs
// The ingest token's `origins` must list http://127.0.0.1:8700 (the page's origin).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { buildSdk } from '../../build.mjs';

const need = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`${name} is not set (see docs/sdk.md)`);
    process.exit(2);
  }
  return v;
};
const config = {
  appId: need('VONAGE_APP_ID'),
  sessionId: need('VONAGE_SESSION_ID'),
  token: need('VONAGE_TOKEN'),
  collectorUrl: need('COLLECTOR_URL'),
  ingestToken: need('INGEST_TOKEN'),
};
const port = Number(process.env.PORT ?? 8700);
const sdk = readFileSync(await buildSdk());
const opentok = readFileSync(createRequire(import.meta.url).resolve('@opentok/client/dist/js/opentok.js'));

const page = `<!doctype html><html><head><meta charset="utf-8"><title>OpenTok.js + Session Inspector</title></head><body>
<div id="publisher"></div><div id="subscribers"></div><pre id="log"></pre>
<script src="/sdk.js"></script><script src="/opentok.js"></script>
<script>
const cfg = ${JSON.stringify(config).replace(/</g, '\\u003c')};
const log = (line) => (document.getElementById('log').textContent += line + '\\n');
const si = SessionInspector.init({ collectorUrl: cfg.collectorUrl, token: cfg.ingestToken });
const session = si.wrapSession(OT.initSession(cfg.appId, cfg.sessionId), OT);
session.on('streamCreated', (e) => session.subscribe(e.stream, 'subscribers', { insertMode: 'append' }, (err) => log('subscribe ' + (err ? err.code + ' ' + err.message : 'ok'))));
session.connect(cfg.token, (err) => {
  log('connect ' + (err ? err.code + ' ' + err.message : 'ok, connection ' + session.connection.connectionId));
  if (!err) session.publish(OT.initPublisher('publisher', { insertMode: 'append' }), (e) => log('publish ' + (e ? e.code + ' ' + e.message : 'ok')));
});
setInterval(() => log(JSON.stringify(si.diagnostics())), 10000);
</script></body></html>`;

createServer((req, res) => {
  const [type, body] =
    req.url === '/sdk.js'
      ? ['text/javascript', sdk]
      : req.url === '/opentok.js'
        ? ['text/javascript', opentok]
        : ['text/html', page];
  // OpenTok.js must be served as UTF-8 or the page fails to parse it.
  res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body);
}).listen(port, '127.0.0.1', () => console.log(`open http://127.0.0.1:${port}/ (session ${config.sessionId})`));
