package e2e

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

type dashboard struct {
	UID        string `json:"uid"`
	Title      string `json:"title"`
	Templating struct {
		List []struct {
			Name       string         `json:"name"`
			Type       string         `json:"type"`
			Query      map[string]any `json:"query"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
			IncludeAll bool   `json:"includeAll"`
			AllValue   string `json:"allValue"`
		} `json:"list"`
	} `json:"templating"`
	Annotations struct {
		List []struct {
			Name      string         `json:"name"`
			IconColor string         `json:"iconColor"`
			Target    map[string]any `json:"target"`
		} `json:"list"`
	} `json:"annotations"`
	Links []struct {
		URL string `json:"url"`
	} `json:"links"`
	Panels []struct {
		Title           string           `json:"title"`
		Type            string           `json:"type"`
		Targets         []map[string]any `json:"targets"`
		Transformations []transformation `json:"transformations"`
	} `json:"panels"`
}

func loadDashboards(t *testing.T, root string) map[string]dashboard {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root, "dashboards/*.json"))
	out := map[string]dashboard{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[d.UID] = d
	}
	return out
}

// allValue is what the dashboards' "All" option stands for; the data source frontend drops a
// field holding it (src/model/routes.ts ALL_VARIABLE_VALUE), and so does interpolate.
const allValue = "*"

var variableRef = regexp.MustCompile(`\$\{?(\w+)\}?`)

// interpolate does what the data source frontend does before a query leaves the browser:
// template variables are replaced in string fields and a field left at "All" is dropped.
func interpolate(t *testing.T, model map[string]any, vars map[string]string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for k, v := range model {
		s, ok := v.(string)
		if !ok {
			out[k] = v
			continue
		}
		s = variableRef.ReplaceAllStringFunc(s, func(m string) string {
			name := variableRef.FindStringSubmatch(m)[1]
			value, known := vars[name]
			if !known {
				t.Fatalf("query %v uses $%s, which the test gives no value", model, name)
			}
			return value
		})
		if s != allValue {
			out[k] = s
		}
	}
	return out
}

// expectFields is what each panel type needs to draw something.
var expectFields = map[string][]func(data.FieldType) bool{
	"timeseries": {isTime, isNumber},
	"stat":       {isNumber},
	"table":      {func(data.FieldType) bool { return true }},
}

// TestProvisionedDashboardsAndAlerts runs every dashboard panel and every alert rule through the
// built plugin against a collector holding simulated and injected sessions.
func TestProvisionedDashboardsAndAlerts(t *testing.T) {
	w := newWorld(t)
	dashboards := loadDashboards(t, w.root)
	if len(dashboards) != 4 {
		t.Fatalf("%d dashboards", len(dashboards))
	}
	vars := w.pickVariables(t)
	from, to := w.now.Add(-2*time.Hour-10*time.Minute), w.now
	var links []string
	tables := 0

	for _, uid := range []string{"si-fleet-overview", "si-session-drilldown", "si-large-session", "si-failures"} {
		d, ok := dashboards[uid]
		if !ok {
			t.Fatalf("dashboard %s is missing", uid)
		}
		values := vars[uid]
		t.Run(d.Title, func(t *testing.T) {
			for _, v := range d.Templating.List {
				res := w.run(t, interpolate(t, v.Query, values), from, to, 1000, time.Second)
				if res.Error != nil || len(res.Frames) != 1 || res.Frames[0].Rows() == 0 {
					t.Fatalf("variable %s: %v %s", v.Name, res.Error, describeFrames(res.Frames))
				}
			}
			for _, p := range d.Panels {
				want, known := expectFields[p.Type]
				if !known {
					t.Fatalf("panel %q: no expectation for panel type %s", p.Title, p.Type)
				}
				for _, target := range p.Targets {
					res := w.run(t, interpolate(t, target, values), from, to, 500, 15*time.Second)
					if res.Error != nil {
						t.Fatalf("panel %q: %v", p.Title, res.Error)
					}
					if !someFrameHas(res.Frames, want) {
						t.Fatalf("panel %q (%s) query %v: no non-empty frame with the expected field types: %s", p.Title, p.Type, target, describeFrames(res.Frames))
					}
					checkFrameTypes(t, p.Title, res.Frames)
					if p.Type == "table" {
						checkTablePanel(t, p.Title, p.Transformations, target, res.Frames)
						tables++
					}
					links = append(links, frameLinks(res.Frames)...)
				}
			}
			for _, a := range d.Annotations.List {
				if a.Target == nil {
					continue
				}
				res := w.run(t, interpolate(t, a.Target, values), from, to, 500, 15*time.Second)
				if res.Error != nil || len(res.Frames) != 1 || res.Frames[0].Rows() == 0 {
					t.Fatalf("annotation %s: %v %s", a.Name, res.Error, describeFrames(res.Frames))
				}
				for _, name := range []string{"time", "timeEnd", "title", "text", "tags"} {
					if _, i := res.Frames[0].FieldByName(name); i < 0 {
						t.Fatalf("annotation %s: no %s field", a.Name, name)
					}
				}
				checkLayerColour(t, a.Name, a.IconColor, res.Frames[0])
			}
			for _, l := range d.Links {
				links = append(links, l.URL)
			}
		})
	}
	if tables < 10 {
		t.Fatalf("only %d table panels checked", tables)
	}

	t.Run("data links resolve to an app page and to provisioned dashboards and their variables", func(t *testing.T) {
		groups := loadRules(t, w.root)
		for _, g := range groups {
			for _, r := range g.Rules {
				links = append(links, r.Annotations["inspector_url"], r.Annotations["dashboard_url"])
			}
		}
		pages := appPages(t, w.root)
		toApp, toDashboard := 0, 0
		for _, l := range links {
			switch checkLink(t, l, pages, dashboards) {
			case "app":
				toApp++
			case "dashboard":
				toDashboard++
			}
		}
		if toApp < 10 || toDashboard < 10 {
			t.Fatalf("only %d app links and %d dashboard links checked", toApp, toDashboard)
		}
		t.Logf("checked %d links to the app and %d to dashboards", toApp, toDashboard)
	})

	t.Run("alert rules fire for the degraded stream or session only", func(t *testing.T) {
		w.checkAlertRules(t)
	})
}

func someFrameHas(frames data.Frames, want []func(data.FieldType) bool) bool {
	for _, f := range frames {
		if f.Rows() == 0 {
			continue
		}
		ok := true
		for _, w := range want {
			ok = ok && hasType(f, w)
		}
		if ok {
			return true
		}
	}
	return false
}

func frameLinks(frames data.Frames) []string {
	var out []string
	for _, f := range frames {
		for _, fd := range f.Fields {
			if fd.Config == nil {
				continue
			}
			for _, l := range fd.Config.Links {
				out = append(out, l.URL)
			}
		}
	}
	return out
}

// appPages are the page paths src/plugin.json declares, with the plugin id filled in.
func appPages(t *testing.T, root string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "src/plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		ID       string `json:"id"`
		Includes []struct {
			Type string `json:"type"`
			Path string `json:"path"`
		} `json:"includes"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, inc := range p.Includes {
		if inc.Type == "page" && strings.HasPrefix(inc.Path, "/a/") {
			out = append(out, strings.ReplaceAll(inc.Path, "%PLUGIN_ID%", p.ID))
		}
	}
	return out
}

// grafanaMacro is a `${...}` or `{{ ... }}` placeholder Grafana fills when the link is followed.
var grafanaMacro = regexp.MustCompile(`\$\{[^}]+\}|\{\{[^}]+\}\}`)

// checkLink fails unless the link goes to a page the app declares (with the Inspector's
// parameters) or to a provisioned dashboard whose variables exist; it says which.
func checkLink(t *testing.T, link string, pages []string, dashboards map[string]dashboard) string {
	t.Helper()
	u, err := url.Parse(grafanaMacro.ReplaceAllString(link, "x"))
	if err != nil {
		t.Fatalf("link %q: %v", link, err)
	}
	switch {
	case strings.HasPrefix(u.Path, "/a/"):
		for _, p := range pages {
			if u.Path == p || strings.HasPrefix(u.Path, p+"/") {
				for k := range u.Query() {
					if !contains([]string{"project", "meeting", "user", "from", "to"}, k) {
						t.Fatalf("link %q: the Inspector page reads no parameter %q", link, k)
					}
				}
				return "app"
			}
		}
		t.Fatalf("link %q: no page of src/plugin.json (%v) serves it", link, pages)
	case strings.HasPrefix(u.Path, "/d/"):
		uid := strings.SplitN(strings.TrimPrefix(u.Path, "/d/"), "/", 2)[0]
		d, ok := dashboards[uid]
		if !ok {
			t.Fatalf("link %q: no provisioned dashboard has uid %q", link, uid)
		}
		for k := range u.Query() {
			if name, isVar := strings.CutPrefix(k, "var-"); isVar && !hasVariable(d, name) {
				t.Fatalf("link %q: dashboard %s has no variable %q", link, uid, name)
			}
		}
		return "dashboard"
	}
	t.Fatalf("link %q goes neither to the app nor to a dashboard", link)
	return ""
}

func hasVariable(d dashboard, name string) bool {
	for _, v := range d.Templating.List {
		if v.Name == name {
			return true
		}
	}
	return false
}

// pickVariables chooses, per dashboard, variable values a user would pick: a multiparty session
// with errors and one of its users who had an error, and the broadcast for the large-session view.
func (w *world) pickVariables(t *testing.T) map[string]map[string]string {
	t.Helper()
	from, to := w.now.Add(-2*time.Hour-10*time.Minute), w.now
	res := w.run(t, map[string]any{"queryType": "sessions", "hasErrors": true, "limit": 100}, from, to, 100, time.Second)
	if res.Error != nil || len(res.Frames) != 1 {
		t.Fatalf("sessions: %v", res.Error)
	}
	f := res.Frames[0]
	ids, _ := f.FieldByName("sessionId")
	types, _ := f.FieldByName("callType")
	pick := map[string]string{}
	for i := 0; i < f.Rows(); i++ {
		ct := types.At(i).(string)
		if _, done := pick[ct]; !done {
			pick[ct] = ids.At(i).(string)
		}
	}
	multi, broadcast := pick["multiparty"], pick["broadcast"]
	if multi == "" || broadcast == "" {
		t.Fatalf("simulation seed %s has no multiparty and broadcast sessions with errors: %v", simulationSeed, pick)
	}
	errs := w.run(t, map[string]any{"queryType": "errors", "sessionId": multi}, from, to, 100, time.Second)
	if errs.Error != nil || errs.Frames[0].Rows() == 0 {
		t.Fatalf("errors of %s: %v", multi, errs.Error)
	}
	users, _ := errs.Frames[0].FieldByName("userId")
	fleet := map[string]string{"project": allValue}
	return map[string]map[string]string{
		"si-fleet-overview":    fleet,
		"si-failures":          fleet,
		"si-session-drilldown": {"project": "e2e", "session": multi, "meeting": allValue, "user": users.At(0).(string), "stream": allValue},
		"si-large-session":     {"project": "e2e", "session": broadcast, "meeting": "m1"},
	}
}

// errorColour is the iconColor of the layers that draw errors.
const errorColour = "red"

// checkLayerColour: Scenes draws every annotation of a layer in the layer's iconColor, whatever
// colour the data source gave it (postProcessQueryResult in grafana/scenes
// packages/scenes/src/querying/layers/annotations/utils.ts sets `color` from
// `annotation.iconColor`), so a layer drawn in the error colour must hold only errors, and any
// other layer none.
func checkLayerColour(t *testing.T, layer, iconColor string, f *data.Frame) {
	t.Helper()
	tags, _ := f.FieldByName("tags")
	for i := 0; i < f.Rows(); i++ {
		isError := contains(strings.Split(tags.At(i).(string), ","), "error")
		if isError != (iconColor == errorColour) {
			t.Fatalf("annotation layer %s (drawn %s) holds %q, tagged %q", layer, iconColor, f.Fields[2].At(i), tags.At(i))
		}
	}
}

// checkFrameTypes: a frame that declares a data-plane type also declares its version, as the
// contract requires (Grafana's dataplane docs; plugin-validator reviewers flag frames without).
func checkFrameTypes(t *testing.T, panel string, frames data.Frames) {
	t.Helper()
	for _, f := range frames {
		if f.Meta != nil && f.Meta.Type != "" && f.Meta.TypeVersion == (data.FrameTypeVersion{}) {
			t.Fatalf("panel %q: frame %s has type %s without typeVersion", panel, f.Name, f.Meta.Type)
		}
	}
}
