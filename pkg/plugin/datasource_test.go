package plugin

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// fakeCollector records what the backend sent and answers with `answer`.
type fakeCollector struct {
	*httptest.Server
	lastBody   []byte
	lastHeader http.Header
	lastPath   string
}

func newFake(t *testing.T, handler func(w http.ResponseWriter, r *http.Request)) *fakeCollector {
	f := &fakeCollector{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.lastBody, _ = io.ReadAll(r.Body)
		f.lastHeader = r.Header.Clone()
		f.lastPath = r.URL.RequestURI()
		handler(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func newTestDatasource(t *testing.T, url string, extra string) *Datasource {
	t.Helper()
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{
		Type:                    "rtc-sessiontelemetry-datasource",
		UID:                     "ds-test",
		JSONData:                []byte(`{"collectorUrl":"` + url + `"` + extra + `}`),
		DecryptedSecureJSONData: map[string]string{"readToken": "read-1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return inst.(*Datasource)
}

func request(refIDs ...string) *backend.QueryDataRequest {
	req := &backend.QueryDataRequest{PluginContext: backend.PluginContext{User: &backend.User{Login: "ann", Role: "Editor"}}}
	for _, id := range refIDs {
		req.Queries = append(req.Queries, backend.DataQuery{
			RefID:         id,
			JSON:          json.RawMessage(`{"queryType":"quality","sessionId":"s-1","refId":"` + id + `"}`),
			TimeRange:     backend.TimeRange{From: time.UnixMilli(1000), To: time.UnixMilli(61000)},
			MaxDataPoints: 500,
			Interval:      2 * time.Second,
		})
	}
	return req
}

func TestQueryDataForwardsEveryQueryInOneCall(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"results":{
			"A":{"status":200,"frames":[{"schema":{"name":"x","fields":[{"name":"time","type":"time","typeInfo":{"frame":"time.Time"}},{"name":"v","type":"number","typeInfo":{"frame":"float64"},"labels":{"user":"u1"}}]},"data":{"values":[[1000,2000],[1.5,2.5]]}}]},
			"B":{"status":400,"error":"quality needs a sessionId","errorSource":"downstream"}}}`))
	})
	ds := newTestDatasource(t, f.URL, "")
	res, err := ds.QueryData(context.Background(), request("A", "B"))
	if err != nil {
		t.Fatal(err)
	}
	var sent wireRequest
	if err := json.Unmarshal(f.lastBody, &sent); err != nil {
		t.Fatal(err)
	}
	if len(sent.Queries) != 2 || sent.Queries[0].TimeRange != (wireRange{From: 1000, To: 61000}) || sent.Queries[0].MaxDataPoints != 500 || sent.Queries[0].IntervalMs != 2000 {
		t.Fatalf("sent %+v", sent)
	}
	if !strings.Contains(string(sent.Queries[1].Query), `"sessionId":"s-1"`) {
		t.Fatalf("raw query not forwarded: %s", sent.Queries[1].Query)
	}
	if f.lastHeader.Get("Authorization") != "Bearer read-1" || f.lastHeader.Get("X-Grafana-Role") != "Editor" || f.lastHeader.Get("X-Grafana-User") != "ann" {
		t.Fatalf("headers %v", f.lastHeader)
	}
	a := res.Responses["A"]
	if a.Error != nil || len(a.Frames) != 1 || a.Frames[0].Fields[1].Labels["user"] != "u1" {
		t.Fatalf("A = %+v", a)
	}
	if v, _ := a.Frames[0].Fields[1].ConcreteAt(1); v.(float64) != 2.5 {
		t.Fatalf("value %v", v)
	}
	b := res.Responses["B"]
	if b.Error == nil || b.Status != 400 || b.ErrorSource != backend.ErrorSourceDownstream || !strings.Contains(b.Error.Error(), "sessionId") {
		t.Fatalf("B = %+v", b)
	}
}

func TestQueryDataCollectorFailuresFailEveryQueryAsDownstream(t *testing.T) {
	down := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":"database is gone"}`))
	})
	refused := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"token refused: unknown"}`))
	})
	garbage := newFake(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`<html>`)) })
	partial := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"results":{"A":{"status":200,"frames":[]}}}`))
	})
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	cases := []struct {
		name, url, want string
		status          backend.Status
	}{
		{"500", down.URL, "collector error: database is gone", 500},
		{"401", refused.URL, "the collector refused the read token: token refused: unknown", 401},
		{"not json", garbage.URL, "collector answer is not a query response", 502},
		{"unreachable", closedURL, "cannot reach the collector at " + closedURL, 502},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := newTestDatasource(t, c.url, "").QueryData(context.Background(), request("A", "B"))
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"A", "B"} {
				r := res.Responses[id]
				if r.Error == nil || !strings.Contains(r.Error.Error(), c.want) || r.Status != c.status || r.ErrorSource != backend.ErrorSourceDownstream {
					t.Fatalf("%s = %+v (%v)", id, r, r.Error)
				}
			}
		})
	}
	t.Run("missing result", func(t *testing.T) {
		res, _ := newTestDatasource(t, partial.URL, "").QueryData(context.Background(), request("A", "B"))
		if res.Responses["A"].Error != nil || res.Responses["B"].Error == nil {
			t.Fatalf("%+v", res.Responses)
		}
	})
}

func TestQueryDataHonoursTimeoutAndCancellation(t *testing.T) {
	release := make(chan struct{})
	slow := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	res, _ := newTestDatasource(t, slow.URL, `,"timeoutSeconds":0.2`).QueryData(context.Background(), request("A"))
	if r := res.Responses["A"]; r.Status != backend.StatusTimeout {
		t.Fatalf("timeout: %+v %v", r, r.Error)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	res, _ = newTestDatasource(t, slow.URL, "").QueryData(ctx, request("A"))
	if r := res.Responses["A"]; r.Error == nil || !strings.Contains(r.Error.Error(), "cancelled") || time.Since(start) > 5*time.Second {
		t.Fatalf("cancel: %+v %v", r, r.Error)
	}
}

func TestBadSettingsAreReportedNotFatal(t *testing.T) {
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{JSONData: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	ds := inst.(*Datasource)
	h, _ := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "collectorUrl is not set") {
		t.Fatalf("%+v", h)
	}
	res, _ := ds.QueryData(context.Background(), request("A"))
	if r := res.Responses["A"]; r.Error == nil || !strings.Contains(r.Error.Error(), "data source settings") || r.Status != 400 {
		t.Fatalf("%+v", r)
	}
}

func TestCheckHealth(t *testing.T) {
	now = func() time.Time { return time.UnixMilli(1_800_000_060_000) }
	defer func() { now = time.Now }()
	ok := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"status":"ok","version":"0.1.0","database":"pglite","projects":["demo"],"newestDataTs":1800000000000}`))
	})
	empty := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"status":"ok","version":"0.1.0","database":"postgres","projects":[],"newestDataTs":null}`))
	})
	refused := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"token refused: it is not one of the tokens"}`))
	})
	h, _ := newTestDatasource(t, ok.URL, "").CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	want := "Collector 0.1.0 reachable at " + ok.URL + " (store: pglite); projects: demo; newest data 2027-01-15T08:00:00Z (1m0s ago)"
	if h.Status != backend.HealthStatusOk || h.Message != want {
		t.Fatalf("got %q\nwant %q", h.Message, want)
	}
	if ok.lastPath != "/api/v1/health" {
		t.Fatalf("path %s", ok.lastPath)
	}
	h, _ = newTestDatasource(t, empty.URL, "").CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if !strings.HasSuffix(h.Message, "no data yet") {
		t.Fatal(h.Message)
	}
	h, _ = newTestDatasource(t, refused.URL, "").CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "refused the read token: token refused") {
		t.Fatal(h.Message)
	}
}
