package plugin

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Every malformed 2xx answer of the collector fails each query with a message; none panics
// (a nil map write on `{}` used to), none fails the request as a whole.
func TestMalformedAnswersFailEachQuery(t *testing.T) {
	cases := []struct{ answer, want string }{
		{`{}`, `collector answer has no "results": JSON of another shape: {}`},
		{`null`, `collector answer has no "results"`},
		{`{"results":null}`, "collector returned no result for this query"},
		{`[]`, "collector answer is not a query response"},
		{`"ok"`, "collector answer is not a query response"},
		{`{"results":[]}`, "collector answer is not a query response"},
		{`{"results":{"A":{"frames":"x"}}}`, "collector answer is not a query response"},
		{`{"results":{"Z":{"frames":[]}}}`, "collector returned no result for this query"},
		{`{"results":{}}`, "collector returned no result for this query"},
		{``, "collector answer is not a query response: an empty answer"},
	}
	for _, c := range cases {
		t.Run(c.answer, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(c.answer)) })
			res, err := newTestDatasource(t, f.URL, "").QueryData(context.Background(), request("A", "B"))
			if err != nil {
				t.Fatalf("the whole request failed: %v", err)
			}
			if len(res.Responses) != 2 {
				t.Fatalf("%d responses: %v", len(res.Responses), res.Responses)
			}
			for _, id := range []string{"A", "B"} {
				r := res.Responses[id]
				if r.Error == nil || !strings.Contains(r.Error.Error(), c.want) || r.Status != backend.StatusBadGateway || r.ErrorSource != backend.ErrorSourceDownstream {
					t.Fatalf("%s = %+v (%v), want 502 downstream %q", id, r, r.Error, c.want)
				}
			}
		})
	}
}

// streamer answers `size` bytes of a valid-looking query response and counts what it wrote.
func streamer(t *testing.T, size int, declareLength bool) (*fakeCollector, *atomic.Int64) {
	written := &atomic.Int64{}
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		if declareLength {
			w.Header().Set("Content-Length", strconv.Itoa(size))
		}
		head := []byte(`{"results":{"A":{"frames":[{"schema":{"fields":[{"name":"v","type":"number"}]},"data":{"values":[[`)
		chunk := bytes.Repeat([]byte("1.5,"), 16<<10)
		n, _ := w.Write(head)
		written.Add(int64(n))
		for written.Load() < int64(size) {
			n, err := w.Write(chunk[:min(len(chunk), size-int(written.Load()))])
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	return f, written
}

// Issue 9 finding 9: a 500 MB answer took the plugin to 3.3 GB RSS. Past maxAnswerMegabytes the
// answer is refused with a message saying so, and the rest of it is never read.
func TestAnswerSizeIsCapped(t *testing.T) {
	const size = 64 << 20
	for _, declared := range []bool{false, true} {
		t.Run("Content-Length "+strconv.FormatBool(declared), func(t *testing.T) {
			f, written := streamer(t, size, declared)
			ds := newTestDatasource(t, f.URL, `,"maxAnswerMegabytes":1`)
			res, err := ds.QueryData(context.Background(), request("A", "B"))
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"A", "B"} {
				r := res.Responses[id]
				if r.Error == nil || !strings.Contains(r.Error.Error(), "the collector's answer is larger than 1 MiB, the limit of this data source (maxAnswerMegabytes)") || r.Status != backend.StatusBadGateway {
					t.Fatalf("%s = %+v (%v)", id, r, r.Error)
				}
			}
			f.Close() // waits for the handler: `written` is final
			if w := written.Load(); w >= size/2 {
				t.Fatalf("the collector wrote %d of %d bytes: the plugin kept reading past its limit", w, size)
			}
			t.Logf("collector wrote %.1f MiB of a %d MiB answer before the plugin hung up", float64(written.Load())/(1<<20), size>>20)
		})
	}
	t.Run("resources too", func(t *testing.T) {
		f, _ := streamer(t, 8<<20, false)
		res := callResource(t, newTestDatasource(t, f.URL, `,"maxAnswerMegabytes":1`), "api/v1/saved", http.MethodGet, "", nil)
		if res.Status != http.StatusBadGateway || !strings.Contains(string(res.Body), "larger than 1 MiB") {
			t.Fatalf("%d %.200s", res.Status, res.Body)
		}
	})
	t.Run("default and bounds", func(t *testing.T) {
		s, err := LoadJSONSettings([]byte(`{"collectorUrl":"http://c"}`))
		if err != nil || s.MaxAnswerBytes != 128<<20 {
			t.Fatalf("%+v %v", s, err)
		}
		for _, bad := range []string{`-1`, `2049`, `1.5`} {
			if _, err := LoadJSONSettings([]byte(`{"collectorUrl":"http://c","maxAnswerMegabytes":` + bad + `}`)); err == nil || !strings.Contains(err.Error(), "maxAnswerMegabytes must be a whole number from 1 to 2048") {
				t.Fatalf("%s: %v", bad, err)
			}
		}
	})
}

const nginxPage = `<html>
<head><title>502 Bad Gateway</title><style>body { width: 35em; margin: 0 auto; }</style></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.25.3</center>
<script>` + "var x = 1;\n" + `</script>
</body>
</html>`

// Issue 9 finding 9: an HTML error page reached the Grafana user verbatim. It is summarised by
// its title (or first words), text is cut, and the collector's own JSON message is kept.
func TestErrorPagesAreSummarised(t *testing.T) {
	answer := func(status int, contentType, body string) string {
		f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		})
		res, _ := newTestDatasource(t, f.URL, "").QueryData(context.Background(), request("A"))
		return res.Responses["A"].Error.Error()
	}
	padded := nginxPage + strings.Repeat("<!-- padding -->", 2000)
	cases := []struct {
		name, got, want string
	}{
		{"proxy error page", answer(502, "text/html", padded), `collector error: an HTML page titled "502 Bad Gateway", not the collector's JSON (is a proxy or another server at this URL?)`},
		{"login page with 200", answer(200, "text/html; charset=utf-8", `<!DOCTYPE html><html><head><title>Sign in &middot; SSO</title></head><body>...</body></html>`), `collector answer is not a query response: an HTML page titled "Sign in · SSO", not the collector's JSON (is a proxy or another server at this URL?)`},
		{"page without a title", answer(503, "", `<html><body><h1>Service   Unavailable</h1><p>Back soon</p></body></html>`), `collector error: an HTML page reading "Service Unavailable Back soon", not the collector's JSON (is a proxy or another server at this URL?)`},
		{"long text", answer(500, "text/plain", strings.Repeat("x", 5000)+"\nsecond line"), "collector error: text (text/plain): " + strings.Repeat("x", 300) + "…"},
		{"collector JSON", answer(400, "application/json", `{"error":"quality needs a sessionId"}`), "collector error: quality needs a sessionId"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, c.got, c.want)
		}
	}
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(nginxPage))
	})
	h, _ := newTestDatasource(t, f.URL, "").CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if want := f.URL + `/api/v1/health did not answer as a Session Inspector collector: an HTML page titled "502 Bad Gateway"`; h.Status != backend.HealthStatusError || !strings.HasPrefix(h.Message, want) {
		t.Fatalf("health: %q\nwant prefix %q", h.Message, want)
	}
}
