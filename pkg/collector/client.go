// Package collector is the HTTP client of the Session Inspector collector.
package collector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Paths of the collector's API (src/model/wire.ts).
const (
	QueryPath  = "/api/v1/query"
	HealthPath = "/api/v1/health"
)

// RoleHeader and UserHeader carry the Grafana user to the collector.
const (
	RoleHeader = "X-Grafana-Role"
	UserHeader = "X-Grafana-User"
)

// Client talks to one collector with one read token.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
}

// Caller identifies the Grafana user on whose behalf a request is made.
type Caller struct {
	Role  string
	Login string
}

// StatusError is a non-2xx answer; Message is the collector's own error text.
type StatusError struct {
	Status  int
	Message string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("collector answered %d: %s", e.Status, e.Message)
}

// UnreachableError means no HTTP answer came back (connection refused, DNS, timeout).
type UnreachableError struct {
	URL string
	Err error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the collector at %s: %v", e.URL, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// New makes a client with the given timeout per request.
func New(baseURL, token string, timeout time.Duration) *Client {
	return &Client{BaseURL: baseURL, Token: token, HTTP: &http.Client{Timeout: timeout}}
}

// Do sends a request and returns the raw body of a 2xx answer.
func (c *Client) Do(ctx context.Context, method, path string, body []byte, caller Caller) ([]byte, error) {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, reader)
	if err != nil {
		return nil, fmt.Errorf("building request to %s: %w", c.BaseURL, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if caller.Role != "" {
		req.Header.Set(RoleHeader, caller.Role)
	}
	if caller.Login != "" {
		req.Header.Set(UserHeader, caller.Login)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &UnreachableError{URL: c.BaseURL, Err: err}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, &UnreachableError{URL: c.BaseURL, Err: err}
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, &StatusError{Status: res.StatusCode, Message: errorMessage(data)}
	}
	return data, nil
}

// errorMessage extracts {"error": "..."} or falls back to the raw text.
func errorMessage(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return e.Error
	}
	if len(body) > 300 {
		body = body[:300]
	}
	return string(body)
}

// Health is the collector's GET /api/v1/health answer.
type Health struct {
	Status       string   `json:"status"`
	Version      string   `json:"version"`
	Database     string   `json:"database"`
	Projects     []string `json:"projects"`
	NewestDataTs *float64 `json:"newestDataTs"`
}

// Health reads the collector's health with this client's token.
func (c *Client) Health(ctx context.Context) (Health, error) {
	var h Health
	data, err := c.Do(ctx, http.MethodGet, HealthPath, nil, Caller{})
	if err != nil {
		return h, err
	}
	if err := json.Unmarshal(data, &h); err != nil {
		return h, fmt.Errorf("collector health answer is not JSON: %w", err)
	}
	return h, nil
}

// IsUnauthorized tells whether err is the collector refusing the token.
func IsUnauthorized(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && (se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden)
}
