package plugin

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestLoadJSONSettings(t *testing.T) {
	cases := []struct {
		name    string
		json    string
		url     string
		timeout time.Duration
		err     string
	}{
		{name: "defaults", json: `{"collectorUrl":"http://c:8600/"}`, url: "http://c:8600", timeout: 30 * time.Second},
		{name: "timeout", json: `{"collectorUrl":"https://c","timeoutSeconds":2.5}`, url: "https://c", timeout: 2500 * time.Millisecond},
		{name: "missing url", json: `{}`, err: "collectorUrl is not set"},
		{name: "not http", json: `{"collectorUrl":"ftp://c"}`, err: `collectorUrl "ftp://c" is not an http(s) URL`},
		{name: "no host", json: `{"collectorUrl":"http://"}`, err: "is not an http(s) URL"},
		{name: "negative timeout", json: `{"collectorUrl":"http://c","timeoutSeconds":-1}`, err: "timeoutSeconds must be positive"},
		{name: "bad json", json: `{`, err: "jsonData is not valid JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := LoadJSONSettings(json.RawMessage(c.json))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.CollectorURL != c.url || s.Timeout != c.timeout {
				t.Fatalf("got %+v", s)
			}
		})
	}
}

func TestLoadSecureSettings(t *testing.T) {
	s := Settings{}
	if err := LoadSecureSettings(&s, map[string]string{}); err == nil || !strings.Contains(err.Error(), "readToken is not set") {
		t.Fatalf("error = %v", err)
	}
	if err := LoadSecureSettings(&s, map[string]string{"readToken": " tok "}); err != nil || s.ReadToken != "tok" {
		t.Fatalf("token %q, error %v", s.ReadToken, err)
	}
	full, err := LoadSettings(backend.DataSourceInstanceSettings{JSONData: []byte(`{"collectorUrl":"http://x"}`), DecryptedSecureJSONData: map[string]string{"readToken": "r"}})
	if err != nil || full.ReadToken != "r" || full.CollectorURL != "http://x" {
		t.Fatalf("%+v %v", full, err)
	}
}
