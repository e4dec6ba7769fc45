package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// TestBuiltPluginOverGRPC drives the compiled data source through Grafana's plugin protocol
// against a real collector on loopback holding simulated sessions.
func TestBuiltPluginOverGRPC(t *testing.T) {
	root := repoRoot(t)
	bin := buildPlugin(t, root)
	coll := startCollector(t, root)
	simulate(t, root, coll.URL)
	sessions := listSessions(t, coll.URL)
	if len(sessions) != 6 {
		t.Fatalf("collector lists %d sessions, want 6", len(sessions))
	}
	var target session
	for _, s := range sessions {
		if s.CallType == "one-to-one" || s.CallType == "multiparty" {
			target = s
			break
		}
	}
	if target.SessionID == "" {
		t.Fatalf("no one-to-one or multiparty session among %+v", sessions)
	}

	p := startPlugin(t, bin)
	good := pluginContext(1, coll.URL, "e2e-read")

	t.Run("QueryData quality: labelled numeric series with a time field", func(t *testing.T) {
		q, _ := json.Marshal(map[string]any{"queryType": "quality", "sessionId": target.SessionID, "metrics": []string{"bitrateKbps"}})
		res := p.queryData(t, &backend.QueryDataRequest{
			PluginContext: good,
			Queries: []backend.DataQuery{{
				RefID:         "A",
				JSON:          q,
				TimeRange:     backend.TimeRange{From: time.UnixMilli(target.Start), To: time.UnixMilli(target.End)},
				MaxDataPoints: 50,
				Interval:      time.Second,
			}},
		})
		r := res.Responses["A"]
		if r.Error != nil {
			t.Fatal(r.Error)
		}
		if len(r.Frames) < 2 {
			t.Fatalf("got %d frames", len(r.Frames))
		}
		users := map[string]bool{}
		for _, f := range r.Frames {
			if len(f.Fields) != 2 || f.Fields[0].Type() != data.FieldTypeTime || f.Fields[1].Type() != data.FieldTypeFloat64 {
				t.Fatalf("frame %s fields %v", f.Name, f.Fields)
			}
			l := f.Fields[1].Labels
			if l["user"] == "" || l["stream"] == "" || l["session"] != target.SessionID {
				t.Fatalf("labels %v", l)
			}
			users[l["user"]] = true
			if f.Rows() == 0 || f.Rows() > 50 {
				t.Fatalf("%d rows", f.Rows())
			}
			v, _ := f.Fields[1].ConcreteAt(0)
			if v.(float64) <= 0 {
				t.Fatalf("bitrate %v", v)
			}
		}
		if len(users) < 2 {
			t.Fatalf("series of %d users", len(users))
		}
	})

	t.Run("CheckHealth OK names the collector version", func(t *testing.T) {
		h := p.checkHealth(t, good)
		if h.Status != backend.HealthStatusOk || !strings.Contains(h.Message, "Collector 0.1.0 reachable at "+coll.URL) || !strings.Contains(h.Message, "projects: e2e") {
			t.Fatalf("%v: %s", h.Status, h.Message)
		}
	})

	t.Run("CheckHealth with a wrong token says the token was refused", func(t *testing.T) {
		h := p.checkHealth(t, pluginContext(2, coll.URL, "wrong-token"))
		if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "refused the read token") {
			t.Fatalf("%v: %s", h.Status, h.Message)
		}
	})

	t.Run("CheckHealth with the collector stopped names the URL", func(t *testing.T) {
		coll.Stop()
		h := p.checkHealth(t, good)
		if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "cannot reach the collector at "+coll.URL) {
			t.Fatalf("%v: %s", h.Status, h.Message)
		}
	})
}
