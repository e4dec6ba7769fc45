package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// world is what the provisioning tests share: the built plugin talking to a collector that holds
// simulated sessions (with the simulator's ground truth) and a few sessions the test injects.
type world struct {
	root     string
	plugin   *pluginClient
	ctx      backend.PluginContext
	url      string
	now      time.Time
	manifest manifest
	// injectedAt is where the injected sessions start: an hour before the simulated window.
	injectedAt time.Time
	// savedByRule: the rule whose notification saved each session (project/session) first.
	savedByRule map[string]alertRule
}

type manifest struct {
	Sessions []struct {
		SessionID    string `json:"sessionId"`
		Shape        string `json:"shape"`
		Degradations []struct {
			StreamID string   `json:"streamId"`
			Start    int64    `json:"start"`
			End      int64    `json:"end"`
			Metric   string   `json:"metric"`
			Media    []string `json:"media"`
			Value    float64  `json:"value"`
		} `json:"degradations"`
	} `json:"sessions"`
}

// simulationSeed gives, over 8 sessions in 2 hours, every call shape and at least one isolated
// degradation of each kind (packet loss, latency, video bitrate).
const simulationSeed = "17"

func newWorld(t *testing.T) *world {
	t.Helper()
	root := repoRoot(t)
	bin := buildPlugin(t, root)
	coll := startCollector(t, root)
	manifestPath := filepath.Join(t.TempDir(), "manifest.json")
	cmd := exec.Command("node", "collector/bin/collector.mjs", "simulate", "--url", coll.URL, "--token", "e2e-ingest",
		"--sessions", "8", "--hours", "2", "--sample-interval", "10", "--seed", simulationSeed, "--manifest", manifestPath)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("simulator: %v\n%s", err, out)
	}
	w := &world{root: root, url: coll.URL, now: time.Now(), savedByRule: map[string]alertRule{}}
	raw, err := os.ReadFile(manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &w.manifest); err != nil {
		t.Fatal(err)
	}
	w.injectedAt = w.now.Add(-3 * time.Hour).Truncate(time.Minute)
	w.inject(t)
	w.plugin = startPlugin(t, bin)
	w.ctx = pluginContext(10, coll.URL, "e2e-read")
	return w
}

// record is an ingest record (collector/src/model/records.ts).
type record map[string]any

// inject sends, an hour before the simulated window, sessions whose degradations the simulator
// does not make: an audio stream whose bitrate drops, and sessions whose connects, publishes and
// subscribes mostly fail, each beside a healthy twin.
func (w *world) inject(t *testing.T) {
	t.Helper()
	at := func(d time.Duration) int64 { return w.injectedAt.Add(d).UnixMilli() }
	var recs []record
	n := 0
	add := func(r record) {
		n++
		r["id"] = fmt.Sprintf("inj-%d", n)
		recs = append(recs, r)
	}
	client := record{"sdk": "sip", "device": "sip", "sip": true, "country": "DE"}
	for _, u := range []struct{ user, stream string }{{"inj-a", "inj-audio-bad"}, {"inj-b", "inj-audio-ok"}} {
		conn := u.user + "-c0"
		add(record{"kind": "event", "sessionId": "inj-audio", "ts": at(0), "action": "connect", "variation": "attempt", "clientId": u.user, "connectionId": conn})
		add(record{"kind": "event", "sessionId": "inj-audio", "ts": at(time.Second), "action": "connect", "variation": "success", "clientId": u.user, "connectionId": conn, "client": client})
		for s := time.Duration(0); s < 10*time.Minute; s += 10 * time.Second {
			kbps := 40.0
			if u.stream == "inj-audio-bad" && s >= 4*time.Minute && s < 7*time.Minute {
				kbps = 15
			}
			add(record{"kind": "quality", "sessionId": "inj-audio", "ts": at(s + 5*time.Second), "clientId": u.user, "connectionId": conn,
				"streamId": u.stream, "role": "publisher", "media": "audio", "bitrateKbps": kbps, "lossPct": 0.2, "rttMs": 60})
		}
	}
	// Attempts at minute 1 (the bad session fails 3 of 4) and at minute 20 (everything succeeds).
	for _, s := range []struct {
		session  string
		failures int
	}{{"inj-fail-bad", 3}, {"inj-fail-ok", 0}} {
		for _, action := range []string{"connect", "publish", "subscribe"} {
			for round, attempts := range []int{4, 2} {
				start := time.Minute
				if round == 1 {
					start = 20 * time.Minute
				}
				for i := 0; i < attempts; i++ {
					ts := start + time.Duration(i)*10*time.Second
					user := fmt.Sprintf("%s-u%d", s.session, i)
					base := record{"kind": "event", "sessionId": s.session, "action": action, "clientId": user, "connectionId": user + "-c", "streamId": user + "-st"}
					attempt, outcome := record{}, record{}
					for k, v := range base {
						attempt[k], outcome[k] = v, v
					}
					attempt["ts"], attempt["variation"] = at(ts), "attempt"
					outcome["ts"] = at(ts + 2*time.Second)
					if round == 0 && i < s.failures {
						outcome["variation"], outcome["code"], outcome["message"] = "failure", "1006", "injected failure"
					} else {
						outcome["variation"] = "success"
					}
					add(attempt)
					add(outcome)
				}
			}
		}
	}
	ingestRecords(t, w.url, recs)
}

// run sends one saved query (as a dashboard or an alert rule stores it) through the plugin.
func (w *world) run(t *testing.T, model map[string]any, from, to time.Time, maxDataPoints int64, interval time.Duration) backend.DataResponse {
	t.Helper()
	raw, err := json.Marshal(model)
	if err != nil {
		t.Fatal(err)
	}
	res := w.plugin.queryData(t, &backend.QueryDataRequest{
		PluginContext: w.ctx,
		Queries: []backend.DataQuery{{
			RefID: "A", JSON: raw, TimeRange: backend.TimeRange{From: from, To: to},
			MaxDataPoints: maxDataPoints, Interval: interval,
		}},
	})
	return res.Responses["A"]
}

// valueField is a frame's first numeric field, the one alert expressions read.
func valueField(f *data.Frame) *data.Field {
	for _, fd := range f.Fields {
		if fd.Type().Numeric() {
			return fd
		}
	}
	return nil
}

func hasType(f *data.Frame, want func(data.FieldType) bool) bool {
	for _, fd := range f.Fields {
		if want(fd.Type()) {
			return true
		}
	}
	return false
}

func isTime(ft data.FieldType) bool {
	return ft == data.FieldTypeTime || ft == data.FieldTypeNullableTime
}
func isNumber(ft data.FieldType) bool { return ft.Numeric() }

func labelsOf(f *data.Frame) data.Labels {
	if v := valueField(f); v != nil {
		return v.Labels
	}
	return nil
}

func describeFrames(frames data.Frames) string {
	var parts []string
	for _, f := range frames {
		parts = append(parts, fmt.Sprintf("%s(%d rows, %v)", f.Name, f.Rows(), labelsOf(f)))
	}
	return strings.Join(parts, "; ")
}
