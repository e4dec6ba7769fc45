package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

type transformation struct {
	ID string `json:"id"`
}

// tableView is what Grafana's table panel shows: columns by name, rows of values, and each
// column's labels and data links.
type tableView struct {
	names  []string
	rows   []map[string]any
	labels map[string]data.Labels
	config map[string]*data.FieldConfig
}

func viewOf(f *data.Frame) tableView {
	v := tableView{labels: map[string]data.Labels{}, config: map[string]*data.FieldConfig{}}
	for _, fd := range f.Fields {
		v.names = append(v.names, fd.Name)
		v.labels[fd.Name] = fd.Labels
		v.config[fd.Name] = fd.Config
	}
	for i := 0; i < f.Rows(); i++ {
		row := map[string]any{}
		for _, fd := range f.Fields {
			row[fd.Name], _ = fd.ConcreteAt(i)
		}
		v.rows = append(v.rows, row)
	}
	return v
}

// merge replays Grafana's "merge" transformation
// (packages/grafana-data/src/transformations/transformers/merge.ts): output fields are copied by
// name without their labels (copyFieldStructure omits `labels`) and with the first frame's
// config; rows are keyed by the values of the fields every frame has, and a row whose values all
// equal an existing row's is merged into it.
func merge(frames []tableView) []tableView {
	if len(frames) <= 1 {
		return frames
	}
	out := tableView{labels: map[string]data.Labels{}, config: map[string]*data.FieldConfig{}}
	count := map[string]int{}
	for _, f := range frames {
		for _, n := range f.names {
			if count[n] == 0 {
				out.names = append(out.names, n)
				out.config[n] = f.config[n]
			}
			count[n]++
		}
	}
	var keyFields []string
	for _, n := range out.names {
		if count[n] == len(frames) {
			keyFields = append(keyFields, n)
		}
	}
	if len(keyFields) == 0 {
		return frames
	}
	byKey := map[string][]map[string]any{}
	type pointer struct {
		key   string
		index int
	}
	var order []pointer
	for _, f := range frames {
		for _, row := range f.rows {
			key := ""
			for _, n := range keyFields {
				key += fmt.Sprint(row[n])
			}
			merged := false
			for i, existing := range byKey[key] {
				if mergeable(existing, row) {
					for k, v := range row {
						existing[k] = v
					}
					byKey[key][i], merged = existing, true
				}
			}
			if !merged {
				copied := map[string]any{}
				for k, v := range row {
					copied[k] = v
				}
				byKey[key] = append(byKey[key], copied)
				order = append(order, pointer{key, len(byKey[key]) - 1})
			}
		}
	}
	for _, p := range order {
		out.rows = append(out.rows, byKey[p.key][p.index])
	}
	return []tableView{out}
}

func mergeable(existing, value map[string]any) bool {
	for k, v := range value {
		if e, ok := existing[k]; ok && e != nil && e != v {
			return false
		}
	}
	return true
}

var linkMacro = regexp.MustCompile(`\$\{__(value\.raw|data\.fields\.(\w+)|field\.labels\.(\w+))\}`)

// resolveRow fills a data link's row macros as Grafana does for a table cell: ${__value.raw} is
// the cell, ${__data.fields.x} the row's x column, ${__field.labels.x} the column's label x.
func resolveRow(v tableView, column string, row map[string]any, link string) (string, error) {
	var missing error
	out := linkMacro.ReplaceAllStringFunc(link, func(m string) string {
		sub := linkMacro.FindStringSubmatch(m)
		switch {
		case sub[1] == "value.raw":
			return fmt.Sprint(row[column])
		case sub[2] != "":
			if x, ok := row[sub[2]]; ok {
				return fmt.Sprint(x)
			}
		default:
			if x, ok := v.labels[column][sub[3]]; ok {
				return x
			}
		}
		missing = fmt.Errorf("%s cannot be filled in a table row (columns %v)", m, v.names)
		return m
	})
	return out, missing
}

// checkTablePanel: each frame the table can show (it shows one at a time, the first by default)
// is a table with the query's grouping as a column, one row per series, and data links that
// name each row's own session.
func checkTablePanel(t *testing.T, title string, transformations []transformation, target map[string]any, frames data.Frames) {
	t.Helper()
	var views []tableView
	for _, f := range frames {
		views = append(views, viewOf(f))
	}
	for _, tr := range transformations {
		if tr.ID != "merge" {
			t.Fatalf("table %q: transformation %q is not replayed by this test", title, tr.ID)
		}
		views = merge(views)
	}
	for _, v := range views {
		checkTableView(t, title, target, v, len(frames))
	}
}

func checkTableView(t *testing.T, title string, target map[string]any, v tableView, series int) {
	t.Helper()
	if group, _ := target["groupBy"].(string); group != "" && group != "none" {
		if _, ok := v.labels[group]; !ok {
			t.Fatalf("table %q: no %s column among %v (labels do not reach a table)", title, group, v.names)
		}
		if series > 1 && len(v.rows) != series {
			t.Fatalf("table %q: %d rows for %d series", title, len(v.rows), series)
		}
		seen := map[string]bool{}
		for _, row := range v.rows {
			key := fmt.Sprint(row["project"], "/", row[group])
			if seen[key] {
				t.Fatalf("table %q: %s %v is on two rows", title, group, row[group])
			}
			seen[key] = true
		}
	}
	for _, column := range v.names {
		cfg := v.config[column]
		if cfg == nil {
			continue
		}
		for _, l := range cfg.Links {
			for _, row := range v.rows {
				resolved, err := resolveRow(v, column, row, l.URL)
				if err != nil {
					t.Fatalf("table %q column %s link %q: %v", title, column, l.URL, err)
				}
				session := ""
				for _, name := range []string{"sessionId", "session"} {
					if s, ok := row[name].(string); ok {
						session = s
					}
				}
				if session != "" && !strings.Contains(resolved, url.PathEscape(session)) && !strings.Contains(resolved, url.QueryEscape(session)) {
					t.Fatalf("table %q: the row of session %s links to %s", title, session, resolved)
				}
			}
		}
	}
}
