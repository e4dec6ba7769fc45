package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/rtc/sessioninspector/pkg/collector"
)

// wireQuery is one query as the collector's POST /api/v1/query takes it (src/model/wire.ts).
type wireQuery struct {
	RefID         string          `json:"refId"`
	TimeRange     wireRange       `json:"timeRange"`
	MaxDataPoints int64           `json:"maxDataPoints"`
	IntervalMs    int64           `json:"intervalMs"`
	Query         json.RawMessage `json:"query"`
}

type wireRange struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

type wireRequest struct {
	Queries []wireQuery `json:"queries"`
}

func toWire(req *backend.QueryDataRequest) wireRequest {
	out := wireRequest{Queries: make([]wireQuery, 0, len(req.Queries))}
	for _, q := range req.Queries {
		raw := q.JSON
		if len(raw) == 0 {
			raw = json.RawMessage("{}")
		}
		out.Queries = append(out.Queries, wireQuery{
			RefID:         q.RefID,
			TimeRange:     wireRange{From: q.TimeRange.From.UnixMilli(), To: q.TimeRange.To.UnixMilli()},
			MaxDataPoints: q.MaxDataPoints,
			IntervalMs:    q.Interval.Milliseconds(),
			Query:         raw,
		})
	}
	return out
}

// QueryData sends every query of the request to the collector in one call; the collector
// answers Grafana's QueryDataResponse JSON, with an error per query where one failed.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	if d.settingsErr != nil {
		return failAll(req, backend.StatusBadRequest, backend.ErrorSourceDownstream, "data source settings: "+d.settingsErr.Error()), nil
	}
	body, err := json.Marshal(toWire(req))
	if err != nil {
		return nil, fmt.Errorf("encoding queries: %w", err)
	}
	answer, err := d.client.Send(ctx, collector.Request{
		Method: http.MethodPost, Path: collector.QueryPath, Body: bytes.NewReader(body),
		ContentType: "application/json", Caller: callerOf(req.PluginContext),
	})
	if err != nil {
		status, msg := describe(err)
		return failAll(req, status, backend.ErrorSourceDownstream, msg), nil
	}
	return perQuery(req, answer), nil
}

// perQuery gives every query of the request its own result from the collector's answer: a
// malformed answer (no `results`, null, another shape) fails each query with a message,
// never the whole request, and results for refIds nobody asked for are dropped.
func perQuery(req *backend.QueryDataRequest, answer collector.Answer) *backend.QueryDataResponse {
	var decoded backend.QueryDataResponse
	if err := json.Unmarshal(answer.Body, &decoded); err != nil {
		return failAll(req, backend.StatusBadGateway, backend.ErrorSourceDownstream,
			"collector answer is not a query response: "+collector.Describe(answer.ContentType, answer.Body))
	}
	if decoded.Responses == nil {
		return failAll(req, backend.StatusBadGateway, backend.ErrorSourceDownstream,
			`collector answer has no "results": `+collector.Describe(answer.ContentType, answer.Body))
	}
	res := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		r, ok := decoded.Responses[q.RefID]
		if !ok {
			r = backend.ErrDataResponseWithSource(backend.StatusBadGateway, backend.ErrorSourceDownstream, "collector returned no result for this query")
		}
		res.Responses[q.RefID] = r
	}
	return res
}

// describe turns a collector call failure into a status and a message a user can act on.
func describe(err error) (backend.Status, string) {
	var se *collector.StatusError
	var ue *collector.UnreachableError
	var tl *collector.TooLargeError
	switch {
	case errors.Is(err, context.Canceled):
		return backend.StatusBadRequest, "query cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return backend.StatusTimeout, "collector did not answer in time"
	case errors.As(err, &tl):
		return backend.StatusBadGateway, tl.Error()
	case errors.As(err, &ue):
		var ne net.Error
		if errors.As(ue.Err, &ne) && ne.Timeout() {
			return backend.StatusTimeout, ue.Error()
		}
		return backend.StatusBadGateway, ue.Error()
	case errors.As(err, &se) && (se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden):
		return backend.Status(se.Status), "the collector refused the read token: " + se.Message
	case errors.As(err, &se):
		return backend.Status(se.Status), "collector error: " + se.Message
	default:
		return backend.StatusInternal, err.Error()
	}
}

func failAll(req *backend.QueryDataRequest, status backend.Status, src backend.ErrorSource, msg string) *backend.QueryDataResponse {
	res := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		res.Responses[q.RefID] = backend.ErrDataResponseWithSource(status, src, msg)
	}
	return res
}
