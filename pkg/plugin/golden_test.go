package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestFramesGolden replays every golden answer the collector's own runQueries wrote
// (testdata/frames/<refId>.json, one query of every query type: collector/test/golden.test.ts,
// rewritten by `npm run golden -w collector`) through QueryData, and checks that what the backend
// hands Grafana is that answer unchanged: frames decoded into typed fields and encoded again keep
// their field types, labels, units, data links, data-plane types and values, and a refused query
// keeps its status, message and error source.
func TestFramesGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/frames/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 14 {
		t.Fatalf("%d golden answers in testdata/frames, want one per query type (14)", len(files))
	}
	for _, file := range files {
		refID := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(refID, func(t *testing.T) {
			answer, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			body, err := json.Marshal(map[string]map[string]json.RawMessage{"results": {refID: answer}})
			if err != nil {
				t.Fatal(err)
			}
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(body) })
			res, err := newTestDatasource(t, f.URL, "").QueryData(context.Background(), request(refID))
			if err != nil {
				t.Fatal(err)
			}
			r := res.Responses[refID]
			if r.Error == nil && len(r.Frames) == 0 {
				t.Fatalf("%s: no frames", refID)
			}
			got, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var want, have any
			if err := json.Unmarshal(answer, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(got, &have); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(want, have) {
				t.Fatalf("%s changed on its way through the backend\ncollector: %s\nbackend:   %s", refID, compact(answer), got)
			}
		})
	}
}

func compact(raw []byte) string {
	var out strings.Builder
	for _, line := range strings.Split(string(raw), "\n") {
		out.WriteString(strings.TrimSpace(line))
	}
	return out.String()
}
