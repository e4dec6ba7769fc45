package plugin

import (
	"encoding/json"
	"io"
	"net/http"
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
	if !ok && strings.HasPrefix(r.URL.Path, restPrefix) && r.URL.Path != collector.QueryPath {
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
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			writeJSONError(w, http.StatusBadRequest, "reading request body: "+err.Error())
			return
		}
		if len(b) > 0 {
			body = b
		}
	}
	caller := collector.Caller{}
	if pc := backend.PluginConfigFromContext(r.Context()); pc.User != nil {
		caller = collector.Caller{Role: pc.User.Role, Login: pc.User.Login}
	}
	data, err := d.client.Do(r.Context(), r.Method, target, body, caller)
	if err != nil {
		status, msg := describe(err)
		writeJSONError(w, int(status), msg)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(data)
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	body, _ := json.Marshal(map[string]string{"error": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
