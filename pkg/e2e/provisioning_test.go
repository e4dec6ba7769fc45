package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The provisioning files, in the shapes Grafana documents for file provisioning.

type datasourceFile struct {
	APIVersion  int `yaml:"apiVersion"`
	Datasources []struct {
		Name           string            `yaml:"name"`
		Type           string            `yaml:"type"`
		UID            string            `yaml:"uid"`
		Access         string            `yaml:"access"`
		IsDefault      bool              `yaml:"isDefault"`
		Editable       bool              `yaml:"editable"`
		JSONData       map[string]any    `yaml:"jsonData"`
		SecureJSONData map[string]string `yaml:"secureJsonData"`
	} `yaml:"datasources"`
}

type appFile struct {
	APIVersion int `yaml:"apiVersion"`
	Apps       []struct {
		Type     string `yaml:"type"`
		OrgID    int    `yaml:"org_id"`
		Disabled bool   `yaml:"disabled"`
	} `yaml:"apps"`
}

type dashboardProviderFile struct {
	APIVersion int `yaml:"apiVersion"`
	Providers  []struct {
		Name                  string `yaml:"name"`
		OrgID                 int    `yaml:"orgId"`
		Folder                string `yaml:"folder"`
		FolderUID             string `yaml:"folderUid"`
		Type                  string `yaml:"type"`
		DisableDeletion       bool   `yaml:"disableDeletion"`
		AllowUIUpdates        bool   `yaml:"allowUiUpdates"`
		UpdateIntervalSeconds int    `yaml:"updateIntervalSeconds"`
		Options               struct {
			Path                      string `yaml:"path"`
			FoldersFromFilesStructure bool   `yaml:"foldersFromFilesStructure"`
		} `yaml:"options"`
	} `yaml:"providers"`
}

type ruleFile struct {
	APIVersion int         `yaml:"apiVersion"`
	Groups     []ruleGroup `yaml:"groups"`
}

type ruleGroup struct {
	OrgID    int         `yaml:"orgId"`
	Name     string      `yaml:"name"`
	Folder   string      `yaml:"folder"`
	Interval string      `yaml:"interval"`
	Rules    []alertRule `yaml:"rules"`
}

type alertRule struct {
	UID          string            `yaml:"uid"`
	Title        string            `yaml:"title"`
	Condition    string            `yaml:"condition"`
	Data         []ruleQuery       `yaml:"data"`
	NoDataState  string            `yaml:"noDataState"`
	ExecErrState string            `yaml:"execErrState"`
	For          string            `yaml:"for"`
	IsPaused     bool              `yaml:"isPaused"`
	Annotations  map[string]string `yaml:"annotations"`
	Labels       map[string]string `yaml:"labels"`
}

type ruleQuery struct {
	RefID             string `yaml:"refId"`
	RelativeTimeRange struct {
		From int64 `yaml:"from"`
		To   int64 `yaml:"to"`
	} `yaml:"relativeTimeRange"`
	DatasourceUID string         `yaml:"datasourceUid"`
	Model         map[string]any `yaml:"model"`
}

const (
	datasourceType = "rtc-sessiontelemetry-datasource"
	appID          = "rtc-sessioninspector-app"
	expressionUID  = "__expr__"
)

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// provisionedDatasourceUID is the uid the data source file fixes.
func provisionedDatasourceUID(t *testing.T, root string) string {
	t.Helper()
	var f datasourceFile
	readYAML(t, filepath.Join(root, "provisioning/datasources/sessiontelemetry.yaml"), &f)
	for _, d := range f.Datasources {
		if d.Type == datasourceType {
			return d.UID
		}
	}
	t.Fatal("no Session Telemetry data source is provisioned")
	return ""
}

func loadRules(t *testing.T, root string) []ruleGroup {
	t.Helper()
	var f ruleFile
	readYAML(t, filepath.Join(root, "provisioning/alerting/session-inspector-rules.yaml"), &f)
	if f.APIVersion != 1 {
		t.Fatalf("alert rules apiVersion %d, want 1", f.APIVersion)
	}
	return f.Groups
}

// thresholds reads the product defaults from src/model/thresholds.ts, the one place they live.
func thresholds(t *testing.T, root string) map[string]float64 {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "src/model/thresholds.ts"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, m := range regexp.MustCompile(`(?m)^\s+(\w+): ([0-9.]+),`).FindAllStringSubmatch(string(raw), -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		out[m[1]] = v
	}
	return out
}

// ruleThreshold is the key in thresholds.ts each provisioned rule's threshold must equal.
var ruleThreshold = map[string]string{
	"si-stream-packet-loss":         "lossBadPct",
	"si-stream-latency":             "latencyHighMs",
	"si-stream-video-bitrate-low":   "videoBitrateLowKbps",
	"si-stream-audio-bitrate-low":   "audioBitrateLowKbps",
	"si-session-connect-failures":   "failureRateHigh",
	"si-session-publish-failures":   "failureRateHigh",
	"si-session-subscribe-failures": "failureRateHigh",
}

// TestProvisioningFiles checks every provisioning file against Grafana's documented formats.
func TestProvisioningFiles(t *testing.T) {
	root := repoRoot(t)
	dsUID := provisionedDatasourceUID(t, root)

	t.Run("data source: apiVersion 1, fixed uid, URL and read token", func(t *testing.T) {
		var f datasourceFile
		readYAML(t, filepath.Join(root, "provisioning/datasources/sessiontelemetry.yaml"), &f)
		if f.APIVersion != 1 || len(f.Datasources) != 1 {
			t.Fatalf("apiVersion %d, %d data sources", f.APIVersion, len(f.Datasources))
		}
		d := f.Datasources[0]
		if d.UID != "sessiontelemetry" || d.Access != "proxy" || d.JSONData["collectorUrl"] == nil || d.SecureJSONData["readToken"] == "" {
			t.Fatalf("%+v", d)
		}
	})

	t.Run("app: apiVersion 1, enabled", func(t *testing.T) {
		var f appFile
		readYAML(t, filepath.Join(root, "provisioning/plugins/apps.yaml"), &f)
		if f.APIVersion != 1 || len(f.Apps) != 1 || f.Apps[0].Type != appID || f.Apps[0].Disabled {
			t.Fatalf("%+v", f)
		}
	})

	t.Run("dashboards: a file provider over the folder docker-compose mounts", func(t *testing.T) {
		var f dashboardProviderFile
		readYAML(t, filepath.Join(root, "provisioning/dashboards/session-inspector.yaml"), &f)
		if f.APIVersion != 1 || len(f.Providers) != 1 || f.Providers[0].Type != "file" || f.Providers[0].OrgID != 1 {
			t.Fatalf("%+v", f)
		}
		compose, err := os.ReadFile(filepath.Join(root, "docker-compose.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		mount := "./dashboards:" + f.Providers[0].Options.Path + ":ro"
		if !strings.Contains(string(compose), mount) {
			t.Fatalf("docker-compose.yaml does not mount %q", mount)
		}
		entries, _ := os.ReadDir(filepath.Join(root, "dashboards"))
		if len(entries) != 4 {
			t.Fatalf("%d dashboards, want 4", len(entries))
		}
	})

	t.Run("alert rules: rule groups over the provisioned data source uid", func(t *testing.T) {
		groups := loadRules(t, root)
		limits := thresholds(t, root)
		seen := map[string]bool{}
		for _, g := range groups {
			interval, err := time.ParseDuration(g.Interval)
			if g.OrgID != 1 || g.Name == "" || g.Folder == "" || err != nil || interval < 10*time.Second || len(g.Rules) == 0 {
				t.Fatalf("group %+v (interval: %v)", g, err)
			}
			for _, r := range g.Rules {
				checkRule(t, r, dsUID, interval)
				if seen[r.UID] {
					t.Fatalf("rule uid %s twice", r.UID)
				}
				seen[r.UID] = true
				key, ok := ruleThreshold[r.UID]
				if !ok {
					t.Fatalf("rule %s has no threshold in thresholds.ts", r.UID)
				}
				if got := thresholdOf(t, r); got != limits[key] {
					t.Fatalf("rule %s threshold %v, thresholds.ts %s = %v", r.UID, got, key, limits[key])
				}
			}
		}
		if len(seen) != len(ruleThreshold) {
			t.Fatalf("%d rules, want %d", len(seen), len(ruleThreshold))
		}
	})
}

func checkRule(t *testing.T, r alertRule, dsUID string, interval time.Duration) {
	t.Helper()
	if r.UID == "" || len(r.UID) > 40 || r.Title == "" || r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
		t.Fatalf("rule %q: uid, title, summary and description are required: %+v", r.UID, r)
	}
	if !strings.HasPrefix(r.Annotations["inspector_url"], "/a/"+appID+"/sessions/{{ $labels.session }}") {
		t.Fatalf("rule %s: inspector_url %q", r.UID, r.Annotations["inspector_url"])
	}
	// The notification template prints `value` and `threshold`; the threshold must be the one
	// the rule's threshold expression compares with (a ratio shown as a percentage).
	shown, err := strconv.ParseFloat(strings.TrimSpace(strings.Trim(r.Annotations["threshold"], " %kbpsm")), 64)
	if r.Annotations["value"] == "" || err != nil || (shown != thresholdOf(t, r) && shown != thresholdOf(t, r)*100) {
		t.Fatalf("rule %s: value %q, threshold %q (the expression compares with %v)", r.UID, r.Annotations["value"], r.Annotations["threshold"], thresholdOf(t, r))
	}
	forDur, err := time.ParseDuration(r.For)
	if err != nil || forDur%interval != 0 {
		t.Fatalf("rule %s: for %q must be a multiple of the group interval %v", r.UID, r.For, interval)
	}
	if !contains([]string{"OK", "NoData", "Alerting", "KeepLast"}, r.NoDataState) || !contains([]string{"OK", "Error", "Alerting", "KeepLast"}, r.ExecErrState) {
		t.Fatalf("rule %s: noDataState %q, execErrState %q", r.UID, r.NoDataState, r.ExecErrState)
	}
	refs := map[string]bool{}
	for _, q := range r.Data {
		if q.RefID == "" || q.Model["refId"] != q.RefID {
			t.Fatalf("rule %s: query refId %q, model refId %v", r.UID, q.RefID, q.Model["refId"])
		}
		switch q.DatasourceUID {
		case dsUID:
			ds, _ := q.Model["datasource"].(map[string]any)
			if ds["uid"] != dsUID || ds["type"] != datasourceType || q.RelativeTimeRange.From <= q.RelativeTimeRange.To {
				t.Fatalf("rule %s query %s: datasource %v, range %+v", r.UID, q.RefID, ds, q.RelativeTimeRange)
			}
		case expressionUID:
			if !refs[q.Model["expression"].(string)] || !contains([]string{"reduce", "threshold", "math"}, q.Model["type"].(string)) {
				t.Fatalf("rule %s expression %s: %v", r.UID, q.RefID, q.Model)
			}
		default:
			t.Fatalf("rule %s query %s: datasourceUid %q is neither %q nor %q", r.UID, q.RefID, q.DatasourceUID, dsUID, expressionUID)
		}
		refs[q.RefID] = true
	}
	if !refs[r.Condition] {
		t.Fatalf("rule %s: condition %q names no query", r.UID, r.Condition)
	}
}

// thresholdOf is the number the rule's threshold expression compares with.
func thresholdOf(t *testing.T, r alertRule) float64 {
	t.Helper()
	th := expression(t, r, "threshold")
	raw, _ := json.Marshal(th.Model["conditions"])
	var conds []struct {
		Evaluator struct {
			Type   string    `json:"type"`
			Params []float64 `json:"params"`
		} `json:"evaluator"`
	}
	if err := json.Unmarshal(raw, &conds); err != nil || len(conds) != 1 || len(conds[0].Evaluator.Params) != 1 {
		t.Fatalf("rule %s: threshold conditions %s", r.UID, raw)
	}
	return conds[0].Evaluator.Params[0]
}

func expression(t *testing.T, r alertRule, kind string) ruleQuery {
	t.Helper()
	for _, q := range r.Data {
		if q.DatasourceUID == expressionUID && q.Model["type"] == kind {
			return q
		}
	}
	t.Fatalf("rule %s has no %s expression", r.UID, kind)
	return ruleQuery{}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// queryFields reads QUERY_FIELDS of src/model/queryTypes.ts: the fields each query type reads.
func queryFields(t *testing.T, root string) map[string][]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "src/model/queryTypes.ts"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(raw)
	start := strings.Index(src, "export const QUERY_FIELDS")
	if start < 0 {
		t.Fatal("QUERY_FIELDS not found in src/model/queryTypes.ts")
	}
	block := src[start : start+strings.Index(src[start:], "\n};")]
	out := map[string][]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s+(\w+): \[([^\]]*)\]`).FindAllStringSubmatch(block, -1) {
		for _, f := range regexp.MustCompile(`'(\w+)'`).FindAllStringSubmatch(m[2], -1) {
			out[m[1]] = append(out[m[1]], f[1])
		}
	}
	if len(out) < 12 {
		t.Fatalf("read %d query types from QUERY_FIELDS", len(out))
	}
	return out
}

// grafanaKeys are the keys Grafana itself keeps in a saved query next to the model's fields.
var grafanaKeys = []string{"refId", "datasource", "queryType", "version", "hide", "key", "intervalMs", "maxDataPoints"}

// checkAgainstModel fails unless the saved query names a known query type of the current model
// version and sets only fields that type reads.
func checkAgainstModel(t *testing.T, where string, model map[string]any, fields map[string][]string, dsUID string) {
	t.Helper()
	qt, _ := model["queryType"].(string)
	allowed, known := fields[qt]
	if !known {
		t.Fatalf("%s: unknown queryType %q", where, qt)
	}
	if model["version"] != float64(1) && model["version"] != 1 {
		t.Fatalf("%s: version %v, want the model version 1", where, model["version"])
	}
	if ds, _ := model["datasource"].(map[string]any); ds == nil || ds["uid"] != dsUID {
		t.Fatalf("%s: datasource %v, want uid %s", where, model["datasource"], dsUID)
	}
	for k := range model {
		if !contains(allowed, k) && !contains(grafanaKeys, k) {
			t.Fatalf("%s: %s queries do not read %q (they read %v)", where, qt, k, allowed)
		}
	}
}

// TestProvisionedQueriesFollowTheModel: every dashboard panel, variable and annotation query and
// every alert rule query is a query of the shared model (src/model/queryTypes.ts).
func TestProvisionedQueriesFollowTheModel(t *testing.T) {
	root := repoRoot(t)
	fields := queryFields(t, root)
	dsUID := provisionedDatasourceUID(t, root)
	n := 0
	for uid, d := range loadDashboards(t, root) {
		for _, p := range d.Panels {
			for _, target := range p.Targets {
				checkAgainstModel(t, uid+" panel "+p.Title, target, fields, dsUID)
				n++
			}
		}
		for _, v := range d.Templating.List {
			if v.Query["queryType"] != "variables" || v.Datasource.UID != dsUID || (v.IncludeAll && v.AllValue != allValue) {
				t.Fatalf("%s variable %s: %+v", uid, v.Name, v)
			}
			checkAgainstModel(t, uid+" variable "+v.Name, withDatasource(v.Query, dsUID), fields, dsUID)
			n++
		}
		for _, a := range d.Annotations.List {
			if a.Target != nil {
				checkAgainstModel(t, uid+" annotation "+a.Name, a.Target, fields, dsUID)
				n++
			}
		}
	}
	for _, g := range loadRules(t, root) {
		for _, r := range g.Rules {
			for _, q := range r.Data {
				if q.DatasourceUID == dsUID {
					checkAgainstModel(t, "rule "+r.UID, q.Model, fields, dsUID)
					n++
				}
			}
		}
	}
	t.Logf("%d provisioned queries follow the model", n)
}

// withDatasource: a variable keeps its data source beside its query, not inside it.
func withDatasource(q map[string]any, uid string) map[string]any {
	out := map[string]any{"datasource": map[string]any{"uid": uid}}
	for k, v := range q {
		out[k] = v
	}
	return out
}
