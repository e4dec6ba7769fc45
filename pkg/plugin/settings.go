package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
)

const (
	defaultTimeout = 30 * time.Second
	// defaultMaxAnswerMB holds a 1,000-subscriber session's quality at 1,000 points per series
	// with room to spare; an answer past it is refused before it exhausts the plugin's memory.
	defaultMaxAnswerMB = 128
	maxMaxAnswerMB     = 2048
)

// Settings is the data source configuration: jsonData and secureJsonData, loaded separately.
type Settings struct {
	CollectorURL   string
	Timeout        time.Duration
	MaxAnswerBytes int64
	ReadToken      string
}

type jsonSettings struct {
	CollectorURL       string  `json:"collectorUrl"`
	TimeoutSeconds     float64 `json:"timeoutSeconds"`
	MaxAnswerMegabytes float64 `json:"maxAnswerMegabytes"`
}

// LoadJSONSettings reads and validates jsonData.
func LoadJSONSettings(raw json.RawMessage) (Settings, error) {
	var js jsonSettings
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &js); err != nil {
			return Settings{}, fmt.Errorf("jsonData is not valid JSON: %w", err)
		}
	}
	s := Settings{
		CollectorURL:   strings.TrimRight(strings.TrimSpace(js.CollectorURL), "/"),
		Timeout:        defaultTimeout,
		MaxAnswerBytes: defaultMaxAnswerMB << 20,
	}
	if s.CollectorURL == "" {
		return Settings{}, fmt.Errorf("collectorUrl is not set: enter the collector URL, e.g. http://localhost:8600")
	}
	u, err := url.Parse(s.CollectorURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Settings{}, fmt.Errorf("collectorUrl %q is not an http(s) URL", js.CollectorURL)
	}
	if js.TimeoutSeconds < 0 {
		return Settings{}, fmt.Errorf("timeoutSeconds must be positive, got %v", js.TimeoutSeconds)
	}
	if js.TimeoutSeconds > 0 {
		s.Timeout = time.Duration(js.TimeoutSeconds * float64(time.Second))
	}
	if js.MaxAnswerMegabytes < 0 || js.MaxAnswerMegabytes > maxMaxAnswerMB || js.MaxAnswerMegabytes != float64(int64(js.MaxAnswerMegabytes)) {
		return Settings{}, fmt.Errorf("maxAnswerMegabytes must be a whole number from 1 to %d, got %v", maxMaxAnswerMB, js.MaxAnswerMegabytes)
	}
	if js.MaxAnswerMegabytes > 0 {
		s.MaxAnswerBytes = int64(js.MaxAnswerMegabytes) << 20
	}
	return s, nil
}

// LoadSecureSettings reads secureJsonData into s.
func LoadSecureSettings(s *Settings, secure map[string]string) error {
	s.ReadToken = strings.TrimSpace(secure["readToken"])
	if s.ReadToken == "" {
		return fmt.Errorf("readToken is not set: enter a collector read token")
	}
	return nil
}

// LoadSettings loads both parts from Grafana's instance settings.
func LoadSettings(ds backend.DataSourceInstanceSettings) (Settings, error) {
	s, err := LoadJSONSettings(ds.JSONData)
	if err != nil {
		return Settings{}, err
	}
	if err := LoadSecureSettings(&s, ds.DecryptedSecureJSONData); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// NewHTTPClient builds the collector's HTTP client the SDK's way, from Grafana's own view of the
// data source: TLS (custom CA, client certificate, skip-verify), the secure SOCKS proxy and the
// SDK's default middlewares (tracing, metrics, user agent, error source, Grafana's response
// limit), with this data source's timeout.
func NewHTTPClient(ctx context.Context, ds backend.DataSourceInstanceSettings, s Settings) (*http.Client, error) {
	opts, err := ds.HTTPClientOptions(ctx)
	if err != nil {
		return nil, fmt.Errorf("HTTP client options (TLS, proxy): %w", err)
	}
	opts.Timeouts.Timeout = s.Timeout
	client, err := httpclient.New(opts)
	if err != nil {
		return nil, fmt.Errorf("HTTP client (TLS certificates, proxy): %w", err)
	}
	return client, nil
}
