package e2e

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// packageZipEnv names the zip `npm run package` made; scripts/test-all.sh sets it after its
// package step, so the e2e tests run the packaged linux/amd64 executable.
const packageZipEnv = "SI_PACKAGE_ZIP"

const pluginFolder = "rtc-sessioninspector-app/"

// platforms Grafana runs the backend on, each with the executable format and machine expected.
var platforms = []struct {
	file, format, machine string
}{
	{"gpx_sessiontelemetry_linux_amd64", "elf", elf.EM_X86_64.String()},
	{"gpx_sessiontelemetry_linux_arm64", "elf", elf.EM_AARCH64.String()},
	{"gpx_sessiontelemetry_darwin_amd64", "macho", macho.CpuAmd64.String()},
	{"gpx_sessiontelemetry_darwin_arm64", "macho", macho.CpuArm64.String()},
	{"gpx_sessiontelemetry_windows_amd64.exe", "pe", "0x8664"},
}

func openPackage(t *testing.T) (*zip.ReadCloser, map[string]*zip.File) {
	t.Helper()
	path := os.Getenv(packageZipEnv)
	if path == "" {
		t.Skipf("%s is not set: run `npm run package` and set it to the zip (npm run test:all does)", packageZipEnv)
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { z.Close() })
	files := map[string]*zip.File{}
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, pluginFolder) {
			t.Fatalf("%s is outside the one top-level folder %s Grafana installs", f.Name, pluginFolder)
		}
		files[strings.TrimPrefix(f.Name, pluginFolder)] = f
	}
	return z, files
}

func readZipped(t *testing.T, f *zip.File) []byte {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPackagedZip: the zip holds the backend for five platforms, stripped and executable, and a
// go_plugin_build_manifest that hashes exactly the repository's Go sources.
func TestPackagedZip(t *testing.T) {
	_, files := openPackage(t)
	for _, p := range platforms {
		t.Run(p.file, func(t *testing.T) {
			f, ok := files["datasource/"+p.file]
			if !ok {
				t.Fatalf("datasource/%s is not in the zip", p.file)
			}
			if p.format != "pe" && f.Mode()&0o111 == 0 {
				t.Fatalf("mode %v: Grafana cannot start it", f.Mode())
			}
			b := readZipped(t, f)
			machine, stripped := inspectExecutable(t, p.format, b)
			if machine != p.machine || !stripped {
				t.Fatalf("machine %s (want %s), stripped %v", machine, p.machine, stripped)
			}
			t.Logf("%s: %.1f MB", p.file, float64(len(b))/1e6)
		})
	}
	t.Run("go_plugin_build_manifest hashes every Go source", func(t *testing.T) {
		f, ok := files["go_plugin_build_manifest"]
		if !ok {
			t.Fatal("go_plugin_build_manifest is not in the zip")
		}
		root := repoRoot(t)
		listed := map[string]string{}
		sc := bufio.NewScanner(bytes.NewReader(readZipped(t, f)))
		for sc.Scan() {
			hash, path, ok := strings.Cut(sc.Text(), ":")
			if !ok || len(hash) != 64 {
				t.Fatalf("manifest line %q is not <sha256>:<path>", sc.Text())
			}
			listed[path] = hash
		}
		out, err := exec.Command("git", "-C", root, "ls-files", "*.go").Output()
		if err != nil {
			t.Fatal(err)
		}
		sources := strings.Fields(string(out))
		if len(listed) != len(sources) {
			t.Fatalf("manifest lists %d files, the repository has %d Go sources: %v", len(listed), len(sources), keys(listed))
		}
		for _, path := range sources {
			content, err := os.ReadFile(filepath.Join(root, path))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(content)
			if listed[path] != hex.EncodeToString(sum[:]) {
				t.Fatalf("%s: manifest hash %q does not match the source", path, listed[path])
			}
		}
	})
	t.Run("logos and screenshots that plugin.json files name are in the zip", func(t *testing.T) {
		n := 0
		for name, f := range files {
			if filepath.Base(name) != "plugin.json" {
				continue
			}
			var m pluginMeta
			if err := json.Unmarshal(readZipped(t, f), &m); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			paths := []string{m.Info.Logos.Small, m.Info.Logos.Large}
			for _, s := range m.Info.Screenshots {
				paths = append(paths, s.Path)
			}
			for _, p := range paths {
				if _, ok := files[filepath.ToSlash(filepath.Join(filepath.Dir(name), p))]; !ok {
					t.Fatalf("%s names %s, which is not in the zip", name, p)
				}
				n++
			}
		}
		if n < 14 {
			t.Fatalf("only %d logos and screenshots named", n)
		}
	})
	t.Run("plugin.json of the app and the data source", func(t *testing.T) {
		for _, name := range []string{"plugin.json", "datasource/plugin.json"} {
			f, ok := files[name]
			if !ok {
				t.Fatalf("%s is not in the zip", name)
			}
			var meta struct {
				Executable string `json:"executable"`
			}
			if err := json.Unmarshal(readZipped(t, f), &meta); err != nil {
				t.Fatal(err)
			}
			if name == "datasource/plugin.json" && meta.Executable != "gpx_sessiontelemetry" {
				t.Fatalf("executable %q", meta.Executable)
			}
		}
	})
}

// inspectExecutable reads the executable's machine and whether symbols and DWARF were dropped.
func inspectExecutable(t *testing.T, format string, b []byte) (string, bool) {
	t.Helper()
	r := bytes.NewReader(b)
	switch format {
	case "elf":
		f, err := elf.NewFile(r)
		if err != nil {
			t.Fatal(err)
		}
		_, dwarfErr := f.DWARF()
		return f.Machine.String(), f.Section(".symtab") == nil && dwarfErr != nil
	case "macho":
		f, err := macho.NewFile(r)
		if err != nil {
			t.Fatal(err)
		}
		_, dwarfErr := f.DWARF()
		// A stripped Mach-O keeps only the symbols it imports from libSystem (no section).
		defined := 0
		if f.Symtab != nil {
			for _, s := range f.Symtab.Syms {
				if s.Sect != 0 {
					defined++
				}
			}
		}
		return f.Cpu.String(), dwarfErr != nil && defined == 0
	default:
		f, err := pe.NewFile(r)
		if err != nil {
			t.Fatal(err)
		}
		_, dwarfErr := f.DWARF()
		return fmt.Sprintf("%#x", f.Machine), dwarfErr != nil && f.NumberOfSymbols == 0
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// packagedExecutable extracts the linux/amd64 executable from the package into dir.
func packagedExecutable(t *testing.T, dir string) string {
	t.Helper()
	_, files := openPackage(t)
	f, ok := files["datasource/gpx_sessiontelemetry_linux_amd64"]
	if !ok {
		t.Fatal("the package holds no linux/amd64 executable")
	}
	bin := filepath.Join(dir, "gpx_sessiontelemetry_linux_amd64")
	if err := os.WriteFile(bin, readZipped(t, f), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}
