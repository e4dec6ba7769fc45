package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// templateLogo is the SHA-256 of the logo @grafana/create-plugin scaffolds (src/img/logo.svg as
// generated), which the catalogue's reviewers ask to replace.
const templateLogo = "1defc6f7e585c67657bcfd8fddc599ee7dfa82f8674413f49fa274c2cd453ec6"

type pluginMeta struct {
	ID   string `json:"id"`
	Info struct {
		Logos struct {
			Small string `json:"small"`
			Large string `json:"large"`
		} `json:"logos"`
		Links []struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"links"`
		Screenshots []struct {
			Name string `json:"name"`
			Path string `json:"path"`
		} `json:"screenshots"`
	} `json:"info"`
}

// pluginFiles are the plugin.json of the app and of every nested plugin, relative to src/.
func pluginFiles(t *testing.T, root string) []string {
	t.Helper()
	nested, err := filepath.Glob(filepath.Join(root, "src/*/plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	panels, _ := filepath.Glob(filepath.Join(root, "src/panels/*/plugin.json"))
	out := []string{"plugin.json"}
	for _, f := range append(nested, panels...) {
		rel, _ := filepath.Rel(filepath.Join(root, "src"), f)
		out = append(out, rel)
	}
	return out
}

func readMeta(t *testing.T, path string) pluginMeta {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m pluginMeta
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// TestCatalogueMetadata: what a reviewer of Grafana's plugin catalogue checks first (defect 10):
// logos of our own, screenshots and links in the app's plugin.json, and every plugin id allowed
// unsigned in the Compose stack.
func TestCatalogueMetadata(t *testing.T) {
	root := repoRoot(t)
	files := pluginFiles(t, root)
	if len(files) != 5 {
		t.Fatalf("plugin.json files %v, want the app, the data source and three panels", files)
	}
	var ids []string
	for _, file := range files {
		m := readMeta(t, filepath.Join(root, "src", file))
		ids = append(ids, m.ID)
		dir := filepath.Dir(filepath.Join(root, "src", file))
		for _, logo := range []string{m.Info.Logos.Small, m.Info.Logos.Large} {
			svg, err := os.ReadFile(filepath.Join(dir, logo))
			if err != nil {
				t.Fatalf("%s logo: %v", m.ID, err)
			}
			sum := sha256.Sum256(svg)
			if hex.EncodeToString(sum[:]) == templateLogo {
				t.Fatalf("%s: %s is create-plugin's template logo", m.ID, logo)
			}
			if !bytes.Contains(svg, []byte("<svg")) || !regexp.MustCompile(`<title>[^<]+</title>`).Match(svg) {
				t.Fatalf("%s: %s is not an SVG with a title", m.ID, logo)
			}
		}
	}
	app := readMeta(t, filepath.Join(root, "src/plugin.json"))
	t.Run("screenshots", func(t *testing.T) {
		if len(app.Info.Screenshots) < 3 {
			t.Fatalf("%d screenshots", len(app.Info.Screenshots))
		}
		for _, s := range app.Info.Screenshots {
			png, err := os.ReadFile(filepath.Join(root, "src", s.Path))
			if err != nil || s.Name == "" || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
				t.Fatalf("screenshot %+v: not a named PNG under src/ (%v)", s, err)
			}
		}
	})
	t.Run("links to the documentation and the issues", func(t *testing.T) {
		var docs, issues bool
		for _, l := range app.Info.Links {
			if l.Name == "" || !strings.HasPrefix(l.URL, "https://") {
				t.Fatalf("link %+v", l)
			}
			docs = docs || strings.Contains(strings.ToLower(l.Name), "documentation")
			issues = issues || strings.HasSuffix(l.URL, "/issues")
		}
		if !docs || !issues {
			t.Fatalf("links %+v: want one to the documentation and one to the issues", app.Info.Links)
		}
	})
	t.Run("the Compose stack loads every plugin unsigned", func(t *testing.T) {
		compose, err := os.ReadFile(filepath.Join(root, "docker-compose.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS: *(\S+)`).FindSubmatch(compose)
		if m == nil {
			t.Fatal("docker-compose.yaml sets no GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS")
		}
		allowed := strings.Split(string(m[1]), ",")
		for _, id := range ids {
			if !contains(allowed, id) {
				t.Fatalf("%s is not in GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS (%s)", id, m[1])
			}
		}
	})
}
