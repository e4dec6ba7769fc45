package plugin

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// testPKI is a private CA with a server certificate for 127.0.0.1 and a client certificate.
type testPKI struct {
	caPEM, clientCertPEM, clientKeyPEM string
	serverCert                         tls.Certificate
	pool                               *x509.CertPool
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey := key()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Session Inspector test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, usage x509.ExtKeyUsage, ip net.IP) ([]byte, *ecdsa.PrivateKey) {
		k := key()
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "leaf"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, KeyUsage: x509.KeyUsageDigitalSignature,
		}
		if ip != nil {
			tmpl.IPAddresses = []net.IP{ip}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return der, k
	}
	pemOf := func(kind string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}))
	}
	serverDER, serverKey := issue(2, x509.ExtKeyUsageServerAuth, net.ParseIP("127.0.0.1"))
	clientDER, clientKey := issue(3, x509.ExtKeyUsageClientAuth, nil)
	clientKeyDER, _ := x509.MarshalECPrivateKey(clientKey)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return testPKI{
		caPEM:         pemOf("CERTIFICATE", caDER),
		clientCertPEM: pemOf("CERTIFICATE", clientDER),
		clientKeyPEM:  pemOf("EC PRIVATE KEY", clientKeyDER),
		serverCert:    tls.Certificate{Certificate: [][]byte{serverDER}, PrivateKey: serverKey},
		pool:          pool,
	}
}

func tlsDatasource(t *testing.T, url string, jsonData map[string]any, secure map[string]string) *Datasource {
	t.Helper()
	jsonData["collectorUrl"] = url
	raw, _ := json.Marshal(jsonData)
	secure["readToken"] = "read-1"
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{
		Type: "rtc-sessiontelemetry-datasource", UID: "ds-tls", JSONData: raw, DecryptedSecureJSONData: secure,
	})
	if err != nil {
		t.Fatal(err)
	}
	return inst.(*Datasource)
}

// Defect 5: the client is the SDK's (httpclient.New with the data source's HTTP options), so the
// TLS settings Grafana stores for a data source work: a custom CA, a client certificate, and
// skip-verify.
func TestTLSSettingsOfTheDataSourceApply(t *testing.T) {
	pki := newTestPKI(t)
	healthy := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"status":"ok","version":"0.1.0","database":"pglite","projects":["demo"],"newestDataTs":null}`))
	})
	server := httptest.NewUnstartedServer(healthy)
	server.TLS = &tls.Config{Certificates: []tls.Certificate{pki.serverCert}, ClientCAs: pki.pool, ClientAuth: tls.RequireAndVerifyClientCert}
	server.StartTLS()
	t.Cleanup(server.Close)
	lenient := httptest.NewUnstartedServer(healthy)
	lenient.TLS = &tls.Config{Certificates: []tls.Certificate{pki.serverCert}}
	lenient.StartTLS()
	t.Cleanup(lenient.Close)

	health := func(ds *Datasource) *backend.CheckHealthResult {
		h, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	cases := []struct {
		name     string
		url      string
		jsonData map[string]any
		secure   map[string]string
		want     string
	}{
		{"CA and client certificate", server.URL, map[string]any{"tlsAuth": true, "tlsAuthWithCACert": true},
			map[string]string{"tlsCACert": pki.caPEM, "tlsClientCert": pki.clientCertPEM, "tlsClientKey": pki.clientKeyPEM}, "Collector 0.1.0 reachable"},
		{"CA without the client certificate", server.URL, map[string]any{"tlsAuthWithCACert": true},
			map[string]string{"tlsCACert": pki.caPEM}, "cannot reach the collector"},
		{"no CA", lenient.URL, map[string]any{}, map[string]string{}, "certificate signed by unknown authority"},
		{"CA only", lenient.URL, map[string]any{"tlsAuthWithCACert": true}, map[string]string{"tlsCACert": pki.caPEM}, "Collector 0.1.0 reachable"},
		{"skip verify", lenient.URL, map[string]any{"tlsSkipVerify": true}, map[string]string{}, "Collector 0.1.0 reachable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := health(tlsDatasource(t, c.url, c.jsonData, c.secure))
			if !strings.Contains(h.Message, c.want) {
				t.Fatalf("%v: %s\nwant %q", h.Status, h.Message, c.want)
			}
		})
	}
	t.Run("a broken CA is a settings error", func(t *testing.T) {
		h := health(tlsDatasource(t, server.URL, map[string]any{"tlsAuthWithCACert": true}, map[string]string{"tlsCACert": "not a PEM"}))
		if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "Configuration: HTTP client") {
			t.Fatalf("%v: %s", h.Status, h.Message)
		}
	})
}
