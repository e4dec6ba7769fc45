package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// sdkLossCall describes a call the browser SDK recorded in Chromium (tests/browser/sdk-loss.spec.ts):
// one stream sent through a UDP relay that dropped 10 % of its RTP packets, one sent directly.
type sdkLossCall struct {
	SessionID   string  `json:"sessionId"`
	LossyStream string  `json:"lossyStream"`
	CleanStream string  `json:"cleanStream"`
	DropPct     float64 `json:"dropPct"`
	// End is when the page stopped (epoch ms): the rule is evaluated then.
	End int64 `json:"end"`
}

// sdkLossDump is the call the browser spec wrote: SDK_LOSS_DUMP when the spec runs this test on
// what it just recorded, else the recording kept in testdata.
func sdkLossDump(t *testing.T, root string) string {
	if dir := os.Getenv("SDK_LOSS_DUMP"); dir != "" {
		return dir
	}
	return filepath.Join(root, "pkg/e2e/testdata/sdk-loss")
}

// TestSDKPacketLossAlert evaluates the provisioned packet-loss rule through the built plugin, as
// Grafana Alerting would, over the records the SDK sent from a real Chromium call with 10 % loss
// on the wire: it fires for the lossy stream and not for the clean one.
func TestSDKPacketLossAlert(t *testing.T) {
	root := repoRoot(t)
	dir := sdkLossDump(t, root)
	var call sdkLossCall
	raw, err := os.ReadFile(filepath.Join(dir, "call.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &call); err != nil {
		t.Fatal(err)
	}
	// The recording is replayed as if it had just happened (retention and partitions see today).
	shift := time.Now().Add(-time.Minute).UnixMilli() - call.End
	records := readRecords(t, filepath.Join(dir, "records.ndjson"), shift)

	coll := startCollector(t, root)
	for start := 0; start < len(records); start += 2000 {
		end := min(start+2000, len(records))
		ingestRecords(t, coll.URL, records[start:end])
	}
	w := &world{root: root, plugin: startPlugin(t, buildPlugin(t, root)), ctx: pluginContext(30, coll.URL, "e2e-read")}
	var rule *alertRule
	for _, g := range loadRules(t, root) {
		for i := range g.Rules {
			if g.Rules[i].UID == "si-stream-packet-loss" {
				rule = &g.Rules[i]
			}
		}
	}
	if rule == nil {
		t.Fatal("no provisioned rule si-stream-packet-loss")
	}
	fired, series := w.evaluate(t, *rule, time.UnixMilli(call.End+shift))
	if series < 2 {
		t.Fatalf("%d series evaluated, want the lossy and the clean stream", series)
	}
	if len(fired) != 1 || fired[0].labels["stream"] != call.LossyStream || fired[0].labels["session"] != call.SessionID {
		t.Fatalf("fired for %v, want exactly stream %s of session %s (clean stream %s)", fired, call.LossyStream, call.SessionID, call.CleanStream)
	}
	t.Logf("rule %s fires for stream %s at %.2f %% (relay dropped %.0f %%); the clean stream %s does not; %d series evaluated",
		rule.UID, call.LossyStream, fired[0].value, call.DropPct, call.CleanStream, series)
}

func readRecords(t *testing.T, path string, shift int64) []record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []record
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		var r record
		if err := json.Unmarshal(scanner.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		r["ts"] = int64(r["ts"].(float64)) + shift
		out = append(out, r)
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// ingestRecords sends records to the collector's ingest API with the e2e ingest token.
func ingestRecords(t *testing.T, url string, recs []record) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"records": recs})
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/ingest", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer e2e-ingest")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.NewDecoder(res.Body).Decode(&e)
		t.Fatalf("ingesting records: status %d: %s", res.StatusCode, e.Error)
	}
}
