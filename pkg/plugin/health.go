package plugin

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/rtc/sessioninspector/pkg/collector"
)

// now is replaced in tests so that "n s ago" is stable.
var now = time.Now

// CheckHealth reports whether the collector is reachable and accepts the token, its version
// and how fresh its newest data is ("Save & test").
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if d.settingsErr != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: "Configuration: " + d.settingsErr.Error()}, nil
	}
	h, err := d.client.Health(ctx)
	if err != nil {
		msg := err.Error()
		if collector.IsUnauthorized(err) {
			msg = fmt.Sprintf("The collector at %s refused the read token: %s", d.settings.CollectorURL, strings.TrimPrefix(messageOf(err), "collector answered "))
		}
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: msg}, nil
	}
	freshness := "no data yet"
	if h.NewestDataTs != nil {
		newest := time.UnixMilli(int64(*h.NewestDataTs)).UTC()
		freshness = fmt.Sprintf("newest data %s (%s ago)", newest.Format(time.RFC3339), now().Sub(newest).Round(time.Second))
	}
	return &backend.CheckHealthResult{
		Status: backend.HealthStatusOk,
		Message: fmt.Sprintf("Collector %s reachable at %s (store: %s); projects: %s; %s",
			h.Version, d.settings.CollectorURL, h.Database, strings.Join(h.Projects, ", "), freshness),
	}, nil
}

func messageOf(err error) string {
	if se, ok := err.(*collector.StatusError); ok {
		return se.Message
	}
	return err.Error()
}
