package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template"
	"time"
)

// The notification provisioning file, in the shapes Grafana reads (pkg/services/provisioning/
// alerting: text_templates_types.go TemplateV1, contact_point_types.go ContactPointV1 and
// ReceiverV1, notification_policy_types.go with the ngalert definitions.Route inline).

type notificationFile struct {
	APIVersion int `yaml:"apiVersion"`
	Templates  []struct {
		OrgID    int    `yaml:"orgId"`
		Name     string `yaml:"name"`
		Template string `yaml:"template"`
	} `yaml:"templates"`
	ContactPoints []struct {
		OrgID     int    `yaml:"orgId"`
		Name      string `yaml:"name"`
		Receivers []struct {
			UID      string            `yaml:"uid"`
			Type     string            `yaml:"type"`
			Settings map[string]string `yaml:"settings"`
		} `yaml:"receivers"`
	} `yaml:"contactPoints"`
	Policies []struct {
		OrgID int `yaml:"orgId"`
		route `yaml:",inline"`
	} `yaml:"policies"`
}

type route struct {
	Receiver       string     `yaml:"receiver"`
	GroupBy        []string   `yaml:"group_by"`
	ObjectMatchers [][]string `yaml:"object_matchers"`
	GroupWait      string     `yaml:"group_wait"`
	RepeatInterval string     `yaml:"repeat_interval"`
	Continue       bool       `yaml:"continue"`
	Routes         []route    `yaml:"routes"`
}

func loadNotifications(t *testing.T, root string) notificationFile {
	t.Helper()
	var f notificationFile
	readYAML(t, filepath.Join(root, "provisioning/alerting/session-inspector-notifications.yaml"), &f)
	if f.APIVersion != 1 || len(f.Templates) != 1 || len(f.Policies) != 1 {
		t.Fatalf("apiVersion %d, %d templates, %d policy trees", f.APIVersion, len(f.Templates), len(f.Policies))
	}
	return f
}

// matches: every matcher of the route holds for the labels (only `=` is used here).
func (r route) matches(t *testing.T, labels map[string]string) bool {
	t.Helper()
	for _, m := range r.ObjectMatchers {
		if len(m) != 3 || m[1] != "=" {
			t.Fatalf("matcher %v: this test replays only `=`", m)
		}
		if labels[m[0]] != m[2] {
			return false
		}
	}
	return true
}

// receivers replays Alertmanager's routing (prometheus/alertmanager dispatch/route.go Match):
// children are tried in order, a matching child stops the search unless it has `continue`, and
// a route none of whose children matches delivers to its own receiver.
func (r route) receivers(t *testing.T, labels map[string]string) []string {
	var out []string
	for _, child := range r.Routes {
		if child.matches(t, labels) {
			out = append(out, child.receivers(t, labels)...)
			if !child.Continue {
				break
			}
		}
	}
	if len(out) == 0 {
		return []string{r.Receiver}
	}
	return out
}

// alertmanagerFuncs are the functions of notification templates this project uses, as
// Alertmanager defines them (prometheus/alertmanager template/template.go DefaultFuncs); a
// template calling any other function fails to parse here.
var alertmanagerFuncs = template.FuncMap{
	"toUpper":   strings.ToUpper,
	"toLower":   strings.ToLower,
	"trimSpace": strings.TrimSpace,
	"join":      func(sep string, s []string) string { return strings.Join(s, sep) },
	"match":     regexp.MatchString,
	"reReplaceAll": func(pattern, repl, text string) string {
		return regexp.MustCompile(pattern).ReplaceAllString(text, repl)
	},
}

// extendedAlert and extendedData are Grafana's notification template data (grafana/alerting
// templates/template_data.go ExtendedAlert and ExtendedData); the JSON names are those of the
// webhook payload (receivers/webhook/v1/webhook.go webhookMessage embeds ExtendedData).
type extendedAlert struct {
	Status       string             `json:"status"`
	Labels       map[string]string  `json:"labels"`
	Annotations  map[string]string  `json:"annotations"`
	StartsAt     time.Time          `json:"startsAt"`
	EndsAt       time.Time          `json:"endsAt"`
	GeneratorURL string             `json:"generatorURL"`
	Fingerprint  string             `json:"fingerprint"`
	SilenceURL   string             `json:"silenceURL"`
	DashboardURL string             `json:"dashboardURL"`
	PanelURL     string             `json:"panelURL"`
	Values       map[string]float64 `json:"values"`
	ValueString  string             `json:"valueString"`
}

type extendedAlerts []extendedAlert

func (as extendedAlerts) Firing() []extendedAlert   { return as.with("firing") }
func (as extendedAlerts) Resolved() []extendedAlert { return as.with("resolved") }

func (as extendedAlerts) with(status string) []extendedAlert {
	out := []extendedAlert{}
	for _, a := range as {
		if a.Status == status {
			out = append(out, a)
		}
	}
	return out
}

type extendedData struct {
	Receiver          string            `json:"receiver"`
	Status            string            `json:"status"`
	Alerts            extendedAlerts    `json:"alerts"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	GroupKey          string            `json:"groupKey"`
}

type webhookMessage struct {
	extendedData
	Version         string `json:"version"`
	TruncatedAlerts int    `json:"truncatedAlerts"`
	OrgID           int64  `json:"orgId"`
	Title           string `json:"title"`
	State           string `json:"state"`
	Message         string `json:"message"`
}

// expandRuleTemplate expands a rule's annotation as Grafana does when the rule fires
// (pkg/services/ngalert/state/template/template.go Expand: $labels, $values and $value are
// declared ahead of the text, missingkey=invalid, "<no value>" shown as "[no value]"), with the
// Prometheus template functions the rules use (prometheus/template/template.go).
func expandRuleTemplate(t *testing.T, text string, labels map[string]string, values map[string]float64) string {
	t.Helper()
	type value struct {
		Labels map[string]string
		Value  float64
	}
	vals := map[string]value{}
	for ref, v := range values {
		vals[ref] = value{Labels: labels, Value: v}
	}
	tmpl, err := template.New("__alert_annotation").Option("missingkey=invalid").Funcs(template.FuncMap{
		"humanize":           humanize,
		"humanizePercentage": func(v float64) string { return fmt.Sprintf("%.4g%%", v*100) },
	}).Parse("{{- $labels := .Labels -}}{{- $values := .Values -}}{{- $value := .Value -}}" + text)
	if err != nil {
		t.Fatalf("rule annotation %q: %v", text, err)
	}
	var out bytes.Buffer
	if err := tmpl.Execute(&out, struct {
		Labels map[string]string
		Values map[string]value
		Value  string
	}{labels, vals, ""}); err != nil {
		t.Fatalf("rule annotation %q: %v", text, err)
	}
	return strings.ReplaceAll(out.String(), "<no value>", "[no value]")
}

// humanize is Prometheus's: 4 significant digits with an SI prefix.
func humanize(v float64) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprintf("%.4g", v)
	}
	prefix := ""
	if math.Abs(v) >= 1 {
		for _, p := range []string{"k", "M", "G", "T", "P", "E", "Z", "Y"} {
			if math.Abs(v) < 1000 {
				break
			}
			prefix, v = p, v/1000
		}
	} else {
		for _, p := range []string{"m", "u", "n", "p", "f", "a", "z", "y"} {
			if math.Abs(v) >= 1 {
				break
			}
			prefix, v = p, v*1000
		}
	}
	return fmt.Sprintf("%.4g%s", v, prefix)
}

// externalURL is Grafana's root_url as notifications see it (with its trailing slash).
const externalURL = "https://grafana.example.com/monitoring/"

// grafanaAlert is the notification data of one firing alert of rule r for a fired series:
// the instance labels (series labels, rule labels, alertname, grafana_folder), the rule's
// annotations expanded, the reduce (B) and condition (C) values.
func grafanaAlert(t *testing.T, folder string, r alertRule, f firing, at time.Time) extendedAlert {
	t.Helper()
	labels := map[string]string{"alertname": r.Title, "grafana_folder": folder}
	for k, v := range f.labels {
		labels[k] = v
	}
	for k, v := range r.Labels {
		labels[k] = v
	}
	values := map[string]float64{"B": f.value, "C": 1}
	annotations := map[string]string{}
	for k, text := range r.Annotations {
		annotations[k] = expandRuleTemplate(t, text, labels, values)
	}
	return extendedAlert{
		Status: "firing", Labels: labels, Annotations: annotations, StartsAt: at.UTC(),
		GeneratorURL: externalURL + "alerting/grafana/" + r.UID + "/view",
		Fingerprint:  fmt.Sprintf("%016x", len(labels)), Values: values,
	}
}

// renderContactPoint renders a contact point's setting (subject, title, message) over the
// provisioned templates, as Grafana does for a notification.
func renderContactPoint(t *testing.T, templates, setting string, d extendedData) string {
	t.Helper()
	tmpl, err := template.New("").Option("missingkey=zero").Funcs(alertmanagerFuncs).Parse(templates)
	if err != nil {
		t.Fatalf("provisioned template: %v", err)
	}
	if tmpl, err = tmpl.New("setting").Parse(setting); err != nil {
		t.Fatalf("setting %q: %v", setting, err)
	}
	var out bytes.Buffer
	if err := tmpl.ExecuteTemplate(&out, "setting", d); err != nil {
		t.Fatalf("rendering %q: %v", setting, err)
	}
	return out.String()
}

// checkNotification: the provisioned policy routes the firing alert to the team and to the
// session saver; the team's message names the session, user, stream, value and threshold with
// absolute links; the saver, fed Grafana's webhook payload twice, saves the session once.
func (w *world) checkNotification(t *testing.T, folder string, r alertRule, f firing) {
	t.Helper()
	notifications := loadNotifications(t, w.root)
	at := w.now
	a := grafanaAlert(t, folder, r, f, at)
	receivers := notifications.Policies[0].receivers(t, a.Labels)
	sort.Strings(receivers)
	if strings.Join(receivers, ",") != "Session Inspector saves sessions,Session Inspector team" {
		t.Fatalf("the alert is routed to %v", receivers)
	}
	groupLabels := map[string]string{"alertname": r.Title, "project": a.Labels["project"], "session": a.Labels["session"]}
	d := extendedData{
		Status: "firing", Alerts: extendedAlerts{a}, GroupLabels: groupLabels, CommonLabels: a.Labels,
		CommonAnnotations: a.Annotations, ExternalURL: externalURL, GroupKey: fmt.Sprintf("{}/{team=\"rtc\"}:%v", groupLabels),
	}
	templates := notifications.Templates[0].Template
	settings := map[string]map[string]string{}
	for _, cp := range notifications.ContactPoints {
		settings[cp.Name] = cp.Receivers[0].Settings
	}

	d.Receiver = "Session Inspector team"
	team := settings[d.Receiver]
	subject := renderContactPoint(t, templates, team["subject"], d)
	message := renderContactPoint(t, templates, team["message"], d)
	if want := "[FIRING:1] " + r.Title; subject != want {
		t.Fatalf("subject %q, want %q", subject, want)
	}
	inspector := strings.TrimSuffix(externalURL, "/") + "/a/" + appID + "/sessions/" + a.Labels["session"] + "?project=" + a.Labels["project"]
	wants := []string{
		a.Annotations["summary"], "Session: " + a.Labels["session"], "Project: " + a.Labels["project"],
		fmt.Sprintf("Value: %s (threshold %s)", a.Annotations["value"], a.Annotations["threshold"]),
		"Open in Session Inspector: " + inspector,
		"Session dashboard: " + strings.TrimSuffix(externalURL, "/") + "/d/si-session-drilldown?var-project=",
	}
	if stream := a.Labels["stream"]; stream != "" {
		wants = append(wants, "Stream: "+stream, "User: "+a.Labels["user"])
		if a.Labels["user"] == "" {
			t.Fatalf("stream alert without the publisher's user label: %v", a.Labels)
		}
	}
	for _, want := range wants {
		if !strings.Contains(message, want) {
			t.Fatalf("message lacks %q:\n%s", want, message)
		}
	}
	for _, line := range strings.Split(message, "\n") {
		if _, link, ok := strings.Cut(line, ": http"); ok {
			if u, err := url.Parse("http" + link); err != nil || !u.IsAbs() || u.Host != "grafana.example.com" {
				t.Fatalf("link %q is not absolute on Grafana's root URL", line)
			}
		}
	}
	if strings.Contains(message, "[no value]") || strings.Contains(message, "<no value>") {
		t.Fatalf("message with a missing value:\n%s", message)
	}

	d.Receiver = "Session Inspector saves sessions"
	saver := settings[d.Receiver]
	target, err := url.Parse(saver["url"])
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(webhookMessage{
		extendedData: d, Version: "1", OrgID: 1, State: "alerting",
		Title: renderContactPoint(t, templates, saver["title"], d), Message: renderContactPoint(t, templates, saver["message"], d),
	})
	var reports []map[string][]map[string]any
	for range 2 {
		req, _ := http.NewRequest(http.MethodPost, w.url+target.Path, bytes.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", saver["authorization_scheme"]+" e2e-alerts")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var report map[string][]map[string]any
		_ = json.NewDecoder(res.Body).Decode(&report)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("webhook answered %d: %v", res.StatusCode, report)
		}
		reports = append(reports, report)
	}
	// A session an earlier rule's notification saved stays as that rule named it.
	key := a.Labels["project"] + "/" + a.Labels["session"]
	first, before := w.savedByRule[key]
	if !before {
		first = r
		w.savedByRule[key] = r
	}
	savedNow := len(reports[0]["saved"])
	if (before && savedNow != 0) || (!before && savedNow != 1) || len(reports[1]["saved"]) != 0 || len(reports[1]["alreadySaved"]) != 1 {
		t.Fatalf("webhook twice (saved before: %v): %v then %v", before, reports[0], reports[1])
	}
	saved := w.savedSession(t, a.Labels["project"], a.Labels["session"])
	if saved.Name != first.Title || len(saved.Tags) == 0 || len(saved.Tags) > 3 || saved.Tags[0] != "severity:"+first.Labels["severity"] {
		t.Fatalf("saved as %+v, want the name and tags of rule %s", saved, first.UID)
	}
	t.Logf("message:\n%s\nsaved once as %q with tags %v", message, saved.Name, saved.Tags)
}

type savedSession struct {
	Project   string   `json:"project"`
	SessionID string   `json:"sessionId"`
	Name      string   `json:"name"`
	Tags      []string `json:"tags"`
}

// savedSession reads the collector's saved sessions and fails unless the session is there once.
func (w *world) savedSession(t *testing.T, project, sessionID string) savedSession {
	t.Helper()
	var body struct {
		Saved []savedSession `json:"saved"`
	}
	getJSON(t, w.url+"/api/v1/saved?project="+url.QueryEscape(project), &body)
	var found []savedSession
	for _, s := range body.Saved {
		if s.SessionID == sessionID {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("session %s saved %d times: %+v", sessionID, len(found), body.Saved)
	}
	return found[0]
}

// TestNotificationFile: the template parses with Alertmanager's functions, every contact point
// the policy names exists, and the rules' alerts reach the team and the session saver.
func TestNotificationFile(t *testing.T) {
	root := repoRoot(t)
	f := loadNotifications(t, root)
	if _, err := template.New("").Funcs(alertmanagerFuncs).Parse(f.Templates[0].Template); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, cp := range f.ContactPoints {
		if cp.OrgID != 1 || len(cp.Receivers) != 1 || cp.Receivers[0].UID == "" {
			t.Fatalf("contact point %+v", cp)
		}
		names[cp.Name] = true
	}
	var check func(r route)
	check = func(r route) {
		if !names[r.Receiver] {
			t.Fatalf("policy names contact point %q, which is not provisioned", r.Receiver)
		}
		for _, c := range r.Routes {
			check(c)
		}
	}
	check(f.Policies[0].route)
	for _, g := range loadRules(t, root) {
		for _, r := range g.Rules {
			labels := map[string]string{"alertname": r.Title, "grafana_folder": g.Folder}
			for k, v := range r.Labels {
				labels[k] = v
			}
			if got := f.Policies[0].receivers(t, labels); len(got) != 2 {
				t.Fatalf("rule %s reaches %v", r.UID, got)
			}
		}
	}
	saver := f.ContactPoints[1].Receivers[0].Settings
	if u, err := url.Parse(saver["url"]); err != nil || u.Path != "/api/v1/alerts/grafana" || saver["authorization_scheme"] != "Bearer" {
		t.Fatalf("saver settings %v", saver)
	}
}
