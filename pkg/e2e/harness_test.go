package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// repoRoot walks up from the test's directory to the folder holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// buildPlugin is the executable Grafana would start: the linux/amd64 one of the package when
// SI_PACKAGE_ZIP names it (npm run test:all), else built here with the SDK's release flags.
func buildPlugin(t *testing.T, root string) string {
	t.Helper()
	if os.Getenv(packageZipEnv) != "" {
		return packagedExecutable(t, t.TempDir())
	}
	bin := filepath.Join(t.TempDir(), "gpx_sessiontelemetry_linux_amd64")
	cmd := exec.Command("go", "build", "-tags", "arrow_json_stdlib", "-ldflags", "-w -s", "-o", bin, "./pkg")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, out)
	}
	return bin
}

// collectorProcess is a real collector (node, in-memory PGlite) on a loopback port.
type collectorProcess struct {
	URL string
	cmd *exec.Cmd
}

const tokens = `[{"token":"e2e-ingest","kind":"ingest","project":"e2e"},{"token":"e2e-read","kind":"read","projects":["e2e"],"grafanaBackend":true},{"token":"e2e-alerts","kind":"alert","projects":["e2e"]}]`

func startCollector(t *testing.T, root string) *collectorProcess {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command("node", "collector/bin/collector.mjs", "serve")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "HOST=127.0.0.1", fmt.Sprintf("PORT=%d", port), "DATA_DIR=memory://", "COLLECTOR_TOKENS="+tokens, "DATABASE_URL=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the collector (is node installed?): %v", err)
	}
	c := &collectorProcess{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd}
	t.Cleanup(c.Stop)
	ready := make(chan struct{})
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if strings.Contains(scanner.Text(), "collector listening") {
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	// Generous: on a loaded 2-core machine compiling the collector's TypeScript takes a while.
	case <-time.After(180 * time.Second):
		t.Fatal("the collector did not start within 180 s")
	}
	return c
}

func (c *collectorProcess) Stop() {
	if c.cmd.Process != nil && c.cmd.ProcessState == nil {
		_ = c.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = c.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = c.cmd.Process.Kill()
			<-done
		}
	}
}

// simulate loads simulated sessions through the collector's public ingest API.
func simulate(t *testing.T, root, url string) {
	t.Helper()
	cmd := exec.Command("node", "collector/bin/collector.mjs", "simulate", "--url", url, "--token", "e2e-ingest", "--sessions", "6", "--hours", "2", "--sample-interval", "30", "--seed", "3")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("simulator: %v\n%s", err, out)
	}
}

type session struct {
	SessionID string `json:"sessionId"`
	CallType  string `json:"callType"`
	Streams   int    `json:"streams"`
	Start     int64  `json:"start"`
	End       int64  `json:"end"`
}

// getJSON reads a collector REST answer with the read token.
func getJSON(t *testing.T, url string, into any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer e2e-read")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(into); err != nil {
		t.Fatal(err)
	}
}

func listSessions(t *testing.T, url string) []session {
	t.Helper()
	var body struct {
		Sessions []session `json:"sessions"`
	}
	getJSON(t, url+"/api/v1/sessions?limit=100&from=0", &body)
	return body.Sessions
}

// pluginClient speaks Grafana's plugin protocol (go-plugin over gRPC, protocol version 2) to
// the built executable, as Grafana does.
type pluginClient struct {
	client      *goplugin.Client
	data        grpcplugin.DataClient
	diagnostics grpcplugin.DiagnosticsClient
}

func startPlugin(t *testing.T, bin string) *pluginClient {
	t.Helper()
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig: goplugin.HandshakeConfig{
			ProtocolVersion:  grpcplugin.ProtocolVersion,
			MagicCookieKey:   grpcplugin.MagicCookieKey,
			MagicCookieValue: grpcplugin.MagicCookieValue,
		},
		VersionedPlugins: map[int]goplugin.PluginSet{
			grpcplugin.ProtocolVersion: {
				"data":        &grpcplugin.DataGRPCPlugin{},
				"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
			},
		},
		Cmd:              exec.Command(bin),
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		// The plugin's own debug logs would drown the test output; warnings still show.
		Logger: hclog.New(&hclog.LoggerOptions{Name: "plugin", Level: hclog.Warn, Output: os.Stderr}),
	})
	t.Cleanup(client.Kill)
	rpc, err := client.Client()
	if err != nil {
		t.Fatalf("plugin handshake: %v", err)
	}
	data, err := rpc.Dispense("data")
	if err != nil {
		t.Fatal(err)
	}
	diag, err := rpc.Dispense("diagnostics")
	if err != nil {
		t.Fatal(err)
	}
	return &pluginClient{client: client, data: data.(grpcplugin.DataClient), diagnostics: diag.(grpcplugin.DiagnosticsClient)}
}

func pluginContext(id int64, url, token string) backend.PluginContext {
	return backend.PluginContext{
		OrgID:    1,
		PluginID: "rtc-sessiontelemetry-datasource",
		User:     &backend.User{Login: "admin", Role: "Admin"},
		DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{
			ID:                      id,
			UID:                     fmt.Sprintf("ds-%d", id),
			Name:                    "Session Telemetry",
			JSONData:                []byte(`{"collectorUrl":"` + url + `"}`),
			DecryptedSecureJSONData: map[string]string{"readToken": token},
			Updated:                 time.Unix(id, 0),
		},
	}
}

func (p *pluginClient) queryData(t *testing.T, req *backend.QueryDataRequest) *backend.QueryDataResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := p.data.QueryData(ctx, backend.ToProto().QueryDataRequest(req))
	if err != nil {
		t.Fatal(err)
	}
	out, err := backend.FromProto().QueryDataResponse(res)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (p *pluginClient) checkHealth(t *testing.T, pc backend.PluginContext) *backend.CheckHealthResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := p.diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: backend.ToProto().PluginContext(pc)})
	if err != nil {
		t.Fatal(err)
	}
	return backend.FromProto().CheckHealthResponse(res)
}
