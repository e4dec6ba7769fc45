package plugin

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

const defaultTimeout = 30 * time.Second

// Settings is the data source configuration: jsonData and secureJsonData, loaded separately.
type Settings struct {
	CollectorURL string
	Timeout      time.Duration
	ReadToken    string
}

type jsonSettings struct {
	CollectorURL   string  `json:"collectorUrl"`
	TimeoutSeconds float64 `json:"timeoutSeconds"`
}

// LoadJSONSettings reads and validates jsonData.
func LoadJSONSettings(raw json.RawMessage) (Settings, error) {
	var js jsonSettings
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &js); err != nil {
			return Settings{}, fmt.Errorf("jsonData is not valid JSON: %w", err)
		}
	}
	s := Settings{CollectorURL: strings.TrimRight(strings.TrimSpace(js.CollectorURL), "/"), Timeout: defaultTimeout}
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
