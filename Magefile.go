//go:build mage
// +build mage

package main

import (
	// mage:import
	build "github.com/grafana/grafana-plugin-sdk-go/build"
	"github.com/magefile/mage/mg"
)

// Release builds the backend for the five platforms Grafana runs on (linux/amd64, linux/arm64,
// darwin/amd64, darwin/arm64, windows/amd64) with the SDK's build targets: stripped (-w -s),
// static, build info stamped, and go_plugin_build_manifest written next to them. The SDK's
// BuildAll adds linux/arm, which Grafana no longer ships for.
func Release() {
	b := build.Build{}
	mg.Deps(b.Linux, b.LinuxARM64, b.Darwin, b.DarwinARM64, b.Windows)
}

// Default configures the default target.
var Default = Release
