package e2e

import (
	"fmt"
	"path/filepath"
	"testing"
)

// grafanaFolders replays how Grafana finds or creates the folders that provisioning names:
//
//   - order: pkg/services/provisioning/provisioning.go runs RunInitProvisioners (data sources,
//     plugins, then alerting) at start-up, before Run provisions dashboards;
//   - alert rule groups: pkg/services/provisioning/alerting/rules_provisioner.go
//     getOrCreateFolderByTitle looks the `folder` up by title and, when absent, creates it with
//     a generated uid (util.GenerateShortUID); rule files have no folder uid field
//     (pkg/services/provisioning/alerting/rules_types.go AlertRuleGroupV1);
//   - dashboard providers: pkg/services/provisioning/dashboards/file_reader.go getOrCreateFolder
//     looks the folder up by `folderUid` when one is set, else by title ("provisioning depends on
//     unique names"), and creates it with that uid when absent.
type grafanaFolders struct {
	byUID   map[string]string // uid -> title
	created int
}

func (g *grafanaFolders) byTitle(title string) (string, bool) {
	for uid, t := range g.byUID {
		if t == title {
			return uid, true
		}
	}
	return "", false
}

func (g *grafanaFolders) create(title, uid string) string {
	if uid == "" {
		g.created++
		uid = fmt.Sprintf("generated-%d", g.created)
	}
	g.byUID[uid] = title
	return uid
}

func (g *grafanaFolders) forRuleGroup(title string) string {
	if uid, ok := g.byTitle(title); ok {
		return uid
	}
	return g.create(title, "")
}

func (g *grafanaFolders) forDashboardProvider(title, uid string) string {
	if uid != "" {
		if _, ok := g.byUID[uid]; ok {
			return uid
		}
		return g.create(title, uid)
	}
	if found, ok := g.byTitle(title); ok {
		return found
	}
	return g.create(title, "")
}

// TestOneFolder: the alert rules and the dashboards land in one folder, on the first start and
// after a restart (defect 3: alerting made its own folder first, the dashboard provider's
// folderUid then made a second one with the same title).
func TestOneFolder(t *testing.T) {
	root := repoRoot(t)
	var providers dashboardProviderFile
	readYAML(t, filepath.Join(root, "provisioning/dashboards/session-inspector.yaml"), &providers)
	groups := loadRules(t, root)
	g := &grafanaFolders{byUID: map[string]string{}}
	for start := 1; start <= 2; start++ {
		used := map[string]bool{}
		for _, group := range groups {
			used[g.forRuleGroup(group.Folder)] = true
		}
		for _, p := range providers.Providers {
			used[g.forDashboardProvider(p.Folder, p.FolderUID)] = true
		}
		if len(g.byUID) != 1 || len(used) != 1 {
			t.Fatalf("start %d: Grafana holds folders %v; rules and dashboards use %d of them", start, g.byUID, len(used))
		}
	}
}
