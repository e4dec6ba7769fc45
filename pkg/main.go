package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/rtc/sessioninspector/pkg/plugin"
)

// PluginID is the nested data source's id (src/datasource/plugin.json).
const PluginID = "rtc-sessiontelemetry-datasource"

func main() {
	if err := datasource.Manage(PluginID, plugin.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error(err.Error())
		os.Exit(1)
	}
}
