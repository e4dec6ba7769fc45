// Package plugin is the Session Telemetry data source backend: a thin forwarder to the
// collector, which builds every frame.
package plugin

import (
	"context"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"

	"github.com/rtc/sessioninspector/pkg/collector"
)

var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// Datasource is one configured Session Telemetry data source.
type Datasource struct {
	backend.CallResourceHandler
	settings Settings
	// settingsErr is reported by every call instead of failing instance creation, so that
	// "Save & test" shows what is wrong with the configuration.
	settingsErr error
	client      *collector.Client
}

// NewDatasource is the instance factory Grafana calls per data source configuration.
func NewDatasource(ctx context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	settings, err := LoadSettings(s)
	ds := &Datasource{settings: settings, settingsErr: err}
	if err == nil {
		httpClient, err := NewHTTPClient(ctx, s, settings)
		if err != nil {
			ds.settingsErr = err
		} else {
			ds.client = collector.New(settings.CollectorURL, settings.ReadToken, httpClient, settings.MaxAnswerBytes)
		}
	}
	mux := http.NewServeMux()
	ds.registerRoutes(mux)
	ds.CallResourceHandler = httpadapter.New(mux)
	return ds, nil
}

// Dispose releases idle connections when Grafana replaces the instance.
func (d *Datasource) Dispose() {
	if d.client != nil {
		d.client.HTTP.CloseIdleConnections()
	}
}

func callerOf(pc backend.PluginContext) collector.Caller {
	if pc.User == nil {
		return collector.Caller{}
	}
	return collector.Caller{Role: pc.User.Role, Login: pc.User.Login}
}
