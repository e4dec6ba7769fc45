package plugin

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/*.jsonc from the current output")

// goldenRefIDs: one query of every query type (fleet in both formats), recorded from the real
// collector over fixed fixture sessions into testdata/collector-answer.json.
var goldenRefIDs = []string{
	"sessions", "meetings", "summary", "users", "errors", "failureRates", "events", "quality",
	"largeSession", "fleet", "fleetNumeric", "annotations", "variables",
}

// TestFramesGolden feeds the recorded collector answer through QueryData and compares the
// frames of every query type with their golden file: field types, labels, units, data links,
// data-plane types and values survive the trip through the backend.
func TestFramesGolden(t *testing.T) {
	answer, err := os.ReadFile("testdata/collector-answer.json")
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(answer) })
	req := &backend.QueryDataRequest{PluginContext: backend.PluginContext{User: &backend.User{Login: "ann", Role: "Viewer"}}}
	for _, id := range append(goldenRefIDs, "bad") {
		req.Queries = append(req.Queries, backend.DataQuery{RefID: id, JSON: json.RawMessage(`{}`), TimeRange: backend.TimeRange{From: time.UnixMilli(0), To: time.UnixMilli(1)}})
	}
	res, err := newTestDatasource(t, f.URL, "").QueryData(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, refID := range goldenRefIDs {
		r := res.Responses[refID]
		if r.Error != nil || len(r.Frames) == 0 {
			t.Fatalf("%s: %v, %d frames", refID, r.Error, len(r.Frames))
		}
		experimental.CheckGoldenJSONResponse(t, "testdata", refID, &r, *updateGolden)
	}
	// The golden reader cannot load error responses, so the per-query error is checked here.
	if bad := res.Responses["bad"]; bad.Error == nil || bad.Error.Error() != "quality needs a sessionId" || bad.Status != 400 || bad.ErrorSource != backend.ErrorSourceDownstream {
		t.Fatalf("bad = %+v", bad)
	}
}
