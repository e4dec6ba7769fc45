import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * The demo's call page (`npm run demo`): two participants in one tab, each a peer connection on
 * the camera (or Chromium's fake device) observed by its own instance of the browser SDK, sending
 * to this collector while the call runs.
 */
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Session Inspector demo call</title>
<style>body{font-family:sans-serif;margin:2em;max-width:60em}video{width:45%;background:#222;margin:0 1% 1em 0}
button,select,input{margin:0 .5em .5em 0}code{background:#eee;padding:0 .3em}</style></head><body>
<h1>Demo call</h1>
<p>Alice and Bob, two peer connections in this tab, each captured by the Session Inspector SDK.
Session <code id="session"></code> <span id="state">starting...</span></p>
<p id="links"></p>
<video id="alice" autoplay muted playsinline></video><video id="bob" autoplay muted playsinline></video>
<p><label>Rate the call <select id="score"><option>5</option><option>4</option><option>3</option><option>2</option><option>1</option></select></label>
<input id="comment" placeholder="comment (optional)"><button id="rate">Rate</button>
<button id="mark">Mark this moment</button><button id="hangup">Bob hangs up</button></p>
<pre id="diag"></pre>
<script src="/sdk.js"></script>
<script>
const cfg = __CONFIG__;
const sessionId = 'demo-call-' + new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
document.getElementById('session').textContent = sessionId;
const inspector = encodeURIComponent(sessionId);
document.getElementById('links').innerHTML = 'In Grafana: <a href="' + cfg.grafanaUrl + '/a/rtc-sessioninspector-app/sessions/' +
  inspector + '?project=' + cfg.project + '">the Inspector</a> (data source on ' + cfg.collectorUrl +
  '); from a shell: <code>curl -H "Authorization: Bearer ' + cfg.readToken + '" ' + cfg.collectorUrl + '/api/v1/sessions?q=' + inspector + '</code>';
const common = { collectorUrl: cfg.collectorUrl, token: cfg.ingestToken, sessionId };
const alice = SessionInspector.init(Object.assign({ userId: 'demo-alice' }, common));
const bob = SessionInspector.init(Object.assign({ userId: 'demo-bob', captureGetUserMedia: false }, common));
const state = (s) => (document.getElementById('state').textContent = s);
let a, b;
(async () => {
  const cam = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
  a = new RTCPeerConnection();
  b = new RTCPeerConnection();
  alice.observe(a, { connectionId: 'alice-' + sessionId.slice(-6) });
  bob.observe(b, { connectionId: 'bob-' + sessionId.slice(-6) });
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  b.ontrack = (e) => (document.getElementById('bob').srcObject = e.streams[0]);
  a.ontrack = (e) => (document.getElementById('alice').srcObject = e.streams[0]);
  cam.getTracks().forEach((t) => a.addTrack(t, cam));
  const back = cam.clone();
  back.getTracks().forEach((t) => b.addTrack(t, back));
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  a.onconnectionstatechange = () => state(a.connectionState);
})().catch((e) => state('failed: ' + e.message));
document.getElementById('rate').onclick = () =>
  alice.rate(Number(document.getElementById('score').value), document.getElementById('comment').value || undefined);
document.getElementById('mark').onclick = () => alice.mark('demo-mark', { at: new Date().toISOString() });
document.getElementById('hangup').onclick = () => b && b.close();
setInterval(() => (document.getElementById('diag').textContent = JSON.stringify({ alice: alice.diagnostics(), bob: bob.diagnostics() }, null, 1)), 1000);
</script></body></html>`;

export interface DemoCallConfig {
  collectorUrl: string;
  project: string;
  ingestToken: string;
  readToken: string;
  grafanaUrl: string;
}

export interface DemoCallServer {
  url: string;
  /** The origins a browser sends from when it opens the page (the ingest token must list them). */
  origins: string[];
  /** The page is served once it knows where the collector is. */
  configure(config: DemoCallConfig): void;
  close(): Promise<void>;
}

/** Serves the call page and the SDK's IIFE build (built now, with esbuild). */
export async function startDemoCall(host: string, port: number): Promise<DemoCallServer> {
  const build = path.resolve(__dirname, '../../sdk/build.mjs');
  const { buildSdk } = (await import(build)) as { buildSdk: () => Promise<string> };
  const sdk = await readFile(await buildSdk(), 'utf8');
  let page: string | undefined;
  const server = createServer((req, res) => {
    // The path as sent, without its query: a request line such as '//' is no URL to parse.
    const route = (req.url ?? '/').split('?')[0];
    if (route === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(sdk);
    } else if ((route === '/' || route === '/call') && page) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else {
      res.writeHead(page ? 404 : 503).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  const hosts = host === '127.0.0.1' || host === 'localhost' ? ['127.0.0.1', 'localhost'] : [host];
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    origins: hosts.map((h) => `http://${h.includes(':') ? `[${h}]` : h}:${bound}`),
    configure(config) {
      // JSON inside a script element: "<" escaped so no value can end the element.
      const json = JSON.stringify(config).replace(/</g, '\\u003c');
      page = PAGE.replace('__CONFIG__', () => json);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
