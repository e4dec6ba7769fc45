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

	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
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
	// MaxAnswerBytes caps what is read of one answer: a bigger one is refused before it can
	// exhaust the plugin's memory.
	MaxAnswerBytes int64
}

// Caller identifies the Grafana user on whose behalf a request is made.
type Caller struct {
	Role  string
	Login string
}

// Request is one call to the collector. Body may be nil.
type Request struct {
	Method      string
	Path        string
	Body        io.Reader
	ContentType string
	Caller      Caller
}

// Answer is a 2xx answer of the collector.
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
}

// StatusError is a non-2xx answer; Message is the collector's own error text, or a summary of
// whatever else answered (an HTML error page of a proxy, plain text).
type StatusError struct {
	Status  int
	Message string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("collector answered %d: %s", e.Status, e.Message)
}

// UnreachableError means no HTTP answer came back (connection refused, DNS, TLS, timeout).
type UnreachableError struct {
	URL string
	Err error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the collector at %s: %v", e.URL, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// TooLargeError is an answer bigger than the client's cap (or Grafana's own response limit).
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the collector's answer is larger than %d MiB, the limit of this data source (maxAnswerMegabytes): narrow the query (time range, max data points, fewer series) or raise the limit", e.Limit>>20)
}

// New makes a client over an HTTP client built by the SDK (httpclient.New), which brings the
// data source's TLS settings, the secure SOCKS proxy and Grafana's middlewares.
func New(baseURL, token string, client *http.Client, maxAnswerBytes int64) *Client {
	return &Client{BaseURL: baseURL, Token: token, HTTP: client, MaxAnswerBytes: maxAnswerBytes}
}

// Send makes one call and returns a 2xx answer, or a StatusError, UnreachableError,
// TooLargeError or the context's error.
func (c *Client) Send(ctx context.Context, r Request) (Answer, error) {
	req, err := http.NewRequestWithContext(ctx, r.Method, c.BaseURL+r.Path, r.Body)
	if err != nil {
		return Answer{}, fmt.Errorf("building request to %s: %w", c.BaseURL, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	if r.Caller.Role != "" {
		req.Header.Set(RoleHeader, r.Caller.Role)
	}
	if r.Caller.Login != "" {
		req.Header.Set(UserHeader, r.Caller.Login)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return Answer{}, ctx.Err()
		}
		return Answer{}, &UnreachableError{URL: c.BaseURL, Err: err}
	}
	defer res.Body.Close()
	contentType := res.Header.Get("Content-Type")
	if res.StatusCode < 200 || res.StatusCode > 299 {
		// An error page needs only its beginning to be summarised.
		head, _ := io.ReadAll(io.LimitReader(res.Body, summaryReadBytes))
		return Answer{}, &StatusError{Status: res.StatusCode, Message: Summarize(contentType, head)}
	}
	if res.ContentLength > c.MaxAnswerBytes {
		return Answer{}, &TooLargeError{Limit: c.MaxAnswerBytes}
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, c.MaxAnswerBytes+1))
	switch {
	case errors.Is(err, httpclient.ErrResponseBodyTooLarge):
		return Answer{}, &TooLargeError{Limit: c.MaxAnswerBytes}
	case err != nil && ctx.Err() != nil:
		return Answer{}, ctx.Err()
	case err != nil:
		return Answer{}, &UnreachableError{URL: c.BaseURL, Err: err}
	case int64(len(data)) > c.MaxAnswerBytes:
		return Answer{}, &TooLargeError{Limit: c.MaxAnswerBytes}
	}
	return Answer{Status: res.StatusCode, ContentType: contentType, Body: data}, nil
}

// Do sends a JSON body (or none) and returns the body of a 2xx answer.
func (c *Client) Do(ctx context.Context, method, path string, body []byte, caller Caller) ([]byte, error) {
	r := Request{Method: method, Path: path, Caller: caller}
	if body != nil {
		r.Body, r.ContentType = bytes.NewReader(body), "application/json"
	}
	a, err := c.Send(ctx, r)
	return a.Body, err
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
	a, err := c.Send(ctx, Request{Method: http.MethodGet, Path: HealthPath})
	if err != nil {
		return h, err
	}
	if err := json.Unmarshal(a.Body, &h); err != nil || h.Version == "" {
		return h, fmt.Errorf("%s did not answer as a Session Inspector collector: %s", c.BaseURL+HealthPath, Describe(a.ContentType, a.Body))
	}
	return h, nil
}

// IsUnauthorized tells whether err is the collector refusing the token.
func IsUnauthorized(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && (se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden)
}
