package e2e

import (
	"encoding/json"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// firing is one series for which a rule's condition holds.
type firing struct {
	labels data.Labels
	value  float64
}

// evaluate runs a rule as Grafana Alerting does at instant `now`: its data source query over
// the relative time range through the plugin, then its reduce and threshold expressions.
func (w *world) evaluate(t *testing.T, r alertRule, now time.Time) (fired []firing, series int) {
	t.Helper()
	var q ruleQuery
	for _, d := range r.Data {
		if d.DatasourceUID != expressionUID {
			q = d
		}
	}
	from := now.Add(-time.Duration(q.RelativeTimeRange.From) * time.Second)
	to := now.Add(-time.Duration(q.RelativeTimeRange.To) * time.Second)
	maxDataPoints, _ := q.Model["maxDataPoints"].(float64)
	intervalMs, _ := q.Model["intervalMs"].(float64)
	res := w.run(t, q.Model, from, to, int64(maxDataPoints), time.Duration(intervalMs)*time.Millisecond)
	if res.Error != nil {
		t.Fatalf("rule %s: %v", r.UID, res.Error)
	}
	reducer, _ := expression(t, r, "reduce").Model["reducer"].(string)
	op, limit := thresholdSpec(t, r)
	for _, f := range res.Frames {
		checkDataplane(t, r, f)
		v, ok := reduce(t, f, reducer)
		if !ok {
			continue
		}
		series++
		if (op == "gt" && v > limit) || (op == "lt" && v < limit) {
			fired = append(fired, firing{labels: labelsOf(f), value: v})
		}
	}
	return fired, series
}

// checkDataplane: a labelled time series per frame (timeseries-multi) or one labelled number
// per frame (numeric-multi), what Grafana's expressions read.
func checkDataplane(t *testing.T, r alertRule, f *data.Frame) {
	t.Helper()
	if f.Meta == nil {
		t.Fatalf("rule %s: frame without a data-plane type", r.UID)
	}
	switch f.Meta.Type {
	case data.FrameTypeTimeSeriesMulti:
		if len(f.Fields) != 2 || !isTime(f.Fields[0].Type()) || !isNumber(f.Fields[1].Type()) {
			t.Fatalf("rule %s: timeseries-multi frame fields %v", r.UID, f.Fields)
		}
	case data.FrameTypeNumericMulti:
		if len(f.Fields) != 1 || !isNumber(f.Fields[0].Type()) || f.Rows() != 1 {
			t.Fatalf("rule %s: numeric-multi frame with %d fields, %d rows", r.UID, len(f.Fields), f.Rows())
		}
	default:
		t.Fatalf("rule %s: frame type %q", r.UID, f.Meta.Type)
	}
}

// reduce applies Grafana's reducers (mean, last, max, min) with mode dropNN; a number passes through.
func reduce(t *testing.T, f *data.Frame, reducer string) (float64, bool) {
	t.Helper()
	v := valueField(f)
	var values []float64
	for i := 0; i < v.Len(); i++ {
		x, err := v.FloatAt(i)
		if err == nil && !math.IsNaN(x) {
			values = append(values, x)
		}
	}
	if len(values) == 0 {
		return 0, false
	}
	switch reducer {
	case "last":
		return values[len(values)-1], true
	case "mean":
		sum := 0.0
		for _, x := range values {
			sum += x
		}
		return sum / float64(len(values)), true
	case "max":
		sort.Float64s(values)
		return values[len(values)-1], true
	case "min":
		sort.Float64s(values)
		return values[0], true
	}
	t.Fatalf("reducer %q is not evaluated by this test", reducer)
	return 0, false
}

func thresholdSpec(t *testing.T, r alertRule) (string, float64) {
	t.Helper()
	raw, _ := json.Marshal(expression(t, r, "threshold").Model["conditions"])
	var conds []struct {
		Evaluator struct {
			Type string `json:"type"`
		} `json:"evaluator"`
	}
	_ = json.Unmarshal(raw, &conds)
	return conds[0].Evaluator.Type, thresholdOf(t, r)
}

// scenario is where a rule must fire (for exactly the series named) and where it must stay quiet.
type scenario struct {
	degradedAt, cleanAt time.Time
	labels              data.Labels
}

// scenarios finds, per rule, injected degradations (candidates, best first): from the simulator's manifest for packet
// loss, latency and video bitrate (a window with no other degradation of the same metric within
// 5 minutes), and the test's own injected sessions for audio bitrate and failure rates.
func (w *world) scenarios(t *testing.T) map[string][]scenario {
	t.Helper()
	out := map[string][]scenario{}
	simulated := map[string]struct {
		metric string
		media  string
	}{
		"si-stream-packet-loss":       {"lossPct", ""},
		"si-stream-latency":           {"rttMs", ""},
		"si-stream-video-bitrate-low": {"bitrateKbps", "video"},
	}
	for uid, want := range simulated {
		for _, s := range w.manifest.Sessions {
			for _, d := range s.Degradations {
				if d.Metric != want.metric || (want.media != "" && !contains(d.Media, want.media)) || !w.isolated(d.StreamID, d.Metric, d.Start, d.End) {
					continue
				}
				end := time.UnixMilli(d.End)
				// The rules look back 60 s; a window lasts 2-3 minutes and its stream goes on
				// for at least a minute after it.
				out[uid] = append(out[uid], scenario{
					degradedAt: end.Add(-time.Second),
					cleanAt:    end.Add(65 * time.Second),
					labels:     data.Labels{"session": s.SessionID, "stream": d.StreamID},
				})
			}
		}
		if len(out[uid]) == 0 {
			t.Fatalf("simulation seed %s has no isolated %s degradation for %s", simulationSeed, want.metric, uid)
		}
	}
	at := w.injectedAt
	out["si-stream-audio-bitrate-low"] = []scenario{{degradedAt: at.Add(7*time.Minute - time.Second), cleanAt: at.Add(3 * time.Minute), labels: data.Labels{"session": "inj-audio", "stream": "inj-audio-bad"}}}
	for _, uid := range []string{"si-session-connect-failures", "si-session-publish-failures", "si-session-subscribe-failures"} {
		out[uid] = []scenario{{degradedAt: at.Add(5 * time.Minute), cleanAt: at.Add(24 * time.Minute), labels: data.Labels{"session": "inj-fail-bad"}}}
	}
	return out
}

// isolated: no other degradation of the same metric starts or ends within 5 minutes of this one.
func (w *world) isolated(stream, metric string, start, end int64) bool {
	margin := int64(5 * 60 * 1000)
	for _, s := range w.manifest.Sessions {
		for _, d := range s.Degradations {
			if d.StreamID == stream && d.Start == start {
				continue
			}
			if d.Metric == metric && d.Start < end+margin && d.End > start-margin {
				return false
			}
		}
	}
	return true
}

func (w *world) checkAlertRules(t *testing.T) {
	scenarios := w.scenarios(t)
	for _, g := range loadRules(t, w.root) {
		for _, r := range g.Rules {
			candidates, ok := scenarios[r.UID]
			if !ok {
				t.Fatalf("rule %s has no scenario", r.UID)
			}
			t.Run(r.UID, func(t *testing.T) {
				// The first degradation during which healthy series run beside the degraded one.
				var sc scenario
				var fired []firing
				series := 0
				for _, c := range candidates {
					if fired, series = w.evaluate(t, r, c.degradedAt); series >= 2 {
						sc = c
						break
					}
				}
				if series < 2 {
					t.Fatalf("no degradation of %d has a healthy series beside it", len(candidates))
				}
				if len(fired) != 1 {
					t.Fatalf("degraded window (%s): %d series fire, want 1 (%v); %d series evaluated", sc.degradedAt.Format(time.RFC3339), len(fired), fired, series)
				}
				for k, v := range sc.labels {
					if fired[0].labels[k] != v {
						t.Fatalf("degraded window: fired for %v, want %s=%s", fired[0].labels, k, v)
					}
				}
				if fired[0].labels["project"] != "e2e" {
					t.Fatalf("labels %v do not name the project", fired[0].labels)
				}
				quiet, cleanSeries := w.evaluate(t, r, sc.cleanAt)
				if len(quiet) != 0 || cleanSeries == 0 {
					t.Fatalf("clean window (%s): %d of %d series fire: %v", sc.cleanAt.Format(time.RFC3339), len(quiet), cleanSeries, quiet)
				}
				t.Logf("fires for %v at %.2f among %d series; clean window: 0 of %d fire", fired[0].labels, fired[0].value, series, cleanSeries)
				w.checkNotification(t, g.Folder, r, fired[0])
			})
		}
	}
}
