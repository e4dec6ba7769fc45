package plugin

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/rtc/sessioninspector/pkg/collector"
)

// resourceRoutes maps resource paths (under /api/datasources/uid/<uid>/resources/) to collector
// REST paths. Only these are proxied.
var resourceRoutes = map[string]string{
	"/sessions": "/api/v1/sessions",
	"/health":   "/api/v1/health",
}

// restPrefix passes the collector's future REST endpoints (saved sessions...) through as is.
const restPrefix = "/api/v1/"

func (d *Datasource) registerRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/", d.proxy)
}

func (d *Datasource) proxy(w http.ResponseWriter, r *http.Request) {
	target, ok := resourceRoutes[r.URL.Path]
	// path.Clean: no "..", "//" or "." segment may walk out of the collector's REST API.
	if !ok && strings.HasPrefix(r.URL.Path, restPrefix) && r.URL.Path != collector.QueryPath && path.Clean(r.URL.Path) == r.URL.Path {
		target, ok = r.URL.Path, true
	}
	if !ok {
		writeJSONError(w, http.StatusNotFound, "unknown resource "+r.URL.Path)
		return
	}
	if d.settingsErr != nil {
		writeJSONError(w, http.StatusBadRequest, "data source settings: "+d.settingsErr.Error())
		return
	}
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	var body io.Reader
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			writeJSONError(w, http.StatusBadRequest, "reading request body: "+err.Error())
			return
		}
		if len(b) > 0 {
			body = bytes.NewReader(b)
		}
	}
	caller := collector.Caller{}
	if pc := backend.PluginConfigFromContext(r.Context()); pc.User != nil {
		caller = collector.Caller{Role: pc.User.Role, Login: pc.User.Login}
	}
	// The content types pass through both ways: the import endpoint takes a raw dump
	// (gzip, NDJSON, text), and the collector's answer keeps its own type and status.
	answer, err := d.client.Send(r.Context(), collector.Request{
		Method: r.Method, Path: target, Body: body, ContentType: r.Header.Get("Content-Type"), Caller: caller,
	})
	if err != nil {
		status, msg := describe(err)
		writeJSONError(w, int(status), msg)
		return
	}
	if answer.ContentType != "" {
		w.Header().Set("Content-Type", answer.ContentType)
	}
	w.WriteHeader(answer.Status)
	_, _ = w.Write(answer.Body)
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	body, _ := json.Marshal(map[string]string{"error": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
