package plugin

import (
	"context"
	"flag"
	"net/http"
	"os"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/experimental"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/*.jsonc from the current output")

// TestFramesGolden feeds a recorded collector answer (testdata/collector-answer.json, recorded
// from the real collector) through QueryData and compares every response with its golden file.
func TestFramesGolden(t *testing.T) {
	answer, err := os.ReadFile("testdata/collector-answer.json")
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(answer) })
	res, err := newTestDatasource(t, f.URL, "").QueryData(context.Background(), request("sessions", "quality", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	for _, refID := range []string{"sessions", "quality"} {
		r := res.Responses[refID]
		experimental.CheckGoldenJSONResponse(t, "testdata", refID, &r, *updateGolden)
	}
	// The golden reader cannot load error responses, so the per-query error is checked here.
	if bad := res.Responses["bad"]; bad.Error == nil || bad.Error.Error() != "quality needs a sessionId" || bad.Status != 400 {
		t.Fatalf("bad = %+v", bad)
	}
}
