// Package compose checks docker-compose.yaml the way `docker compose config` reads it: with
// compose-go, the parser the Compose CLI is built on (it validates against the Compose
// Specification's JSON schema, resolves `extends`, interpolates and normalises). No Docker
// engine is needed. Run: cd tests/compose && go test ./...
package compose

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

var root = filepath.Join("..", "..")

// load is `docker compose [--profile ...] config` on the repository's compose file.
func load(t *testing.T, profiles ...string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions(
		[]string{filepath.Join(root, "docker-compose.yaml")},
		cli.WithWorkingDirectory(root),
		cli.WithName("session-inspector"),
		// A clean environment: the file's own defaults, not this machine's variables.
		cli.WithEnv([]string{}),
		cli.WithProfiles(profiles),
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithResolvedPaths(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yaml does not load: %v", err)
	}
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, ok := p.Services[name]
	if !ok {
		t.Fatalf("no service %q (have %v)", name, p.ServiceNames())
	}
	return s
}

func env(s types.ServiceConfig, key string) string {
	if v, ok := s.Environment[key]; ok && v != nil {
		return *v
	}
	return ""
}

// pluginIDs reads the app's id and every nested plugin's id from the plugin.json files.
func pluginIDs(t *testing.T) []string {
	t.Helper()
	read := func(path string) map[string]any {
		raw, err := os.ReadFile(filepath.Join(root, "src", path))
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	app := read("plugin.json")
	ids := []string{app["id"].(string)}
	for _, inc := range app["includes"].([]any) {
		item := inc.(map[string]any)
		if item["type"] == "datasource" || item["type"] == "panel" {
			ids = append(ids, read(item["path"].(string))["id"].(string))
		}
	}
	return ids
}

func TestComposeConfig(t *testing.T) {
	for _, profiles := range [][]string{nil, {"postgres"}} {
		p := load(t, profiles...)
		if out, err := p.MarshalYAML(); err != nil {
			t.Fatal(err)
		} else {
			t.Logf("profiles %v: %d services, %d bytes of normalised configuration", profiles, len(p.Services), len(out))
		}
	}
}

func TestCollectorWaitsForPostgres(t *testing.T) {
	p := load(t, "postgres")
	pg := service(t, p, "postgres")
	if pg.HealthCheck == nil || !slices.Contains(pg.HealthCheck.Test, "pg_isready") {
		t.Fatalf("postgres needs a pg_isready health check, has %+v", pg.HealthCheck)
	}
	c := service(t, p, "collector")
	dep, ok := c.DependsOn["postgres"]
	if !ok || dep.Condition != types.ServiceConditionHealthy {
		t.Fatalf("the collector must wait for a healthy postgres: %+v", c.DependsOn)
	}
	for _, name := range []string{"collector", "simulator", "postgres"} {
		if r := service(t, p, name).Restart; r != types.RestartPolicyOnFailure && r != types.RestartPolicyUnlessStopped {
			t.Errorf("%s: restart policy %q, want on-failure or unless-stopped", name, r)
		}
	}
	if c.HealthCheck == nil {
		t.Error("grafana and the simulator wait for the collector's health check: it needs one")
	}

	// Without the profile the dependency is optional, so the embedded-store stack still starts.
	plain := load(t)
	if _, on := plain.Services["postgres"]; on {
		t.Error("postgres must only run with --profile postgres")
	}
	if dep := service(t, plain, "collector").DependsOn["postgres"]; dep.Required {
		t.Error("the collector's dependency on postgres must be required: false")
	}
}

func TestGrafanaLoadsTheAppAsHome(t *testing.T) {
	g := service(t, load(t), "grafana")
	if home := env(g, "GF_USERS_HOME_PAGE"); home != "/a/rtc-sessioninspector-app/sessions" {
		t.Errorf("GF_USERS_HOME_PAGE = %q, want the app's Sessions page", home)
	}
	if mode := env(g, "GF_DEFAULT_APP_MODE"); mode != "production" {
		t.Errorf("GF_DEFAULT_APP_MODE = %q: development mode would hide a missing unsigned-plugin id", mode)
	}
	if g.Build == nil || g.Build.Args["development"] == nil || *g.Build.Args["development"] != "false" {
		t.Errorf("the development build (a supervisor waiting for a backend binary the app has not) must be off: %+v", g.Build)
	}
	allowed := strings.Split(env(g, "GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"), ",")
	for _, id := range pluginIDs(t) {
		if !slices.Contains(allowed, id) {
			t.Errorf("%s is not allowed to load unsigned (nested plugins inherit the app's unsigned status)", id)
		}
	}
	mounted := false
	for _, v := range g.Volumes {
		mounted = mounted || (strings.HasSuffix(v.Source, "dist") && v.Target == "/var/lib/grafana/plugins/rtc-sessioninspector-app")
	}
	if !mounted {
		t.Error("the built plugin (dist/) must be mounted into Grafana's plugin folder")
	}
}

func TestBuildContextLeavesOutLocalState(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(".dockerignore is missing: the build context would take node_modules and data/")
	}
	lines := strings.Split(string(raw), "\n")
	for _, want := range []string{"**/node_modules", "data", "dist", ".git"} {
		if !slices.Contains(lines, want) {
			t.Errorf(".dockerignore does not leave out %s", want)
		}
	}
}
