package plugin

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

type captureSender struct{ res *backend.CallResourceResponse }

func (c *captureSender) Send(r *backend.CallResourceResponse) error { c.res = r; return nil }

// callResource calls a resource of ds as Grafana does for a Viewer, with an optional content type.
func callResource(t *testing.T, ds *Datasource, path, method, contentType string, body []byte) *backend.CallResourceResponse {
	t.Helper()
	headers := map[string][]string{}
	if contentType != "" {
		headers["Content-Type"] = []string{contentType}
	}
	s := &captureSender{}
	err := ds.CallResource(context.Background(), &backend.CallResourceRequest{
		PluginContext: backend.PluginContext{User: &backend.User{Login: "vic", Role: "Viewer"}},
		Path:          strings.SplitN(path, "?", 2)[0], Method: method, URL: path, Body: body, Headers: headers,
	}, s)
	if err != nil {
		t.Fatal(err)
	}
	return s.res
}

func TestResourcesProxyKnownPathsWithTheUsersRole(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"sessions":[]}`)) })
	ds := newTestDatasource(t, f.URL, "")
	res := callResource(t, ds, "sessions?q=1_MX&limit=5", http.MethodGet, "", nil)
	if res.Status != 200 || string(res.Body) != `{"sessions":[]}` || f.lastPath != "/api/v1/sessions?q=1_MX&limit=5" || f.lastHeader.Get("X-Grafana-Role") != "Viewer" {
		t.Fatalf("%d %s %s %v", res.Status, res.Body, f.lastPath, f.lastHeader)
	}
	res = callResource(t, ds, "api/v1/saved", http.MethodPost, "application/json", []byte(`{"name":"x"}`))
	if res.Status != 200 || f.lastPath != "/api/v1/saved" || string(f.lastBody) != `{"name":"x"}` {
		t.Fatalf("%d %s %s", res.Status, f.lastPath, f.lastBody)
	}
	hits := f.lastPath
	for _, path := range []string{"api/v1/query", "secrets", "../api/v1/sessions", "api/v1/../admin/purge", "api/v1//saved"} {
		if res := callResource(t, ds, path, http.MethodGet, "", nil); res.Status < 300 {
			t.Fatalf("%s: %d", path, res.Status)
		}
	}
	if f.lastPath != hits {
		t.Fatalf("a refused path reached the collector: %s", f.lastPath)
	}
}

// Defect 5: the import endpoint takes a raw dump, so the request's content type and bytes pass
// through untouched, and the collector's status and content type come back as they were.
func TestResourcesPassContentTypesAndStatusThrough(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte("a,b\n1,2\n"))
	})
	dump := []byte{0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x0a}
	res := callResource(t, newTestDatasource(t, f.URL, ""), "api/v1/import?session=s-1", http.MethodPost, "application/gzip", dump)
	if got := f.lastHeader.Get("Content-Type"); got != "application/gzip" || !bytes.Equal(f.lastBody, dump) {
		t.Fatalf("collector received %q %x", got, f.lastBody)
	}
	if res.Status != http.StatusCreated || res.Headers["Content-Type"][0] != "text/csv; charset=utf-8" || string(res.Body) != "a,b\n1,2\n" {
		t.Fatalf("answer %d %v %q", res.Status, res.Headers, res.Body)
	}
}
