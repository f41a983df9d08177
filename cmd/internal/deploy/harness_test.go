package deploy

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the test reads the store directly
	"github.com/stretchr/testify/require"
)

// host is the public name the shipped site's base_url and the nginx
// configuration use.
const host = "xyxx.linyi.gov.cn"

// repoRoot is the repository (the shipped site and docs/deploy).
var repoRoot = filepath.Join("..", "..", "..")

// nginxPath returns Debian's nginx, or skips.
func nginxPath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	t.Skip("nginx is not installed (apt-get install nginx; .ci/run installs it): the proxy tests are skipped")
	return ""
}

// postgresDSN returns PORTAL_TEST_POSTGRES_DSN, or skips.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("PORTAL_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("PORTAL_TEST_POSTGRES_DSN is not set: the replica tests are skipped (eval \"$(bash .ci/postgres.sh)\")")
	}
	return dsn
}

// freshSchema creates an empty schema and returns a DSN using it and a
// database handle on it for checks.
func freshSchema(t *testing.T, dsn string) (string, *sql.DB) {
	t.Helper()
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "deploy_" + hex.EncodeToString(b)
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return u.String(), db
}

// buildPortal builds the real program.
func buildPortal(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "portal")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/portal")
	cmd.Dir = repoRoot
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// copySite copies the shipped site (portal.toml, content/, data/) into a
// new folder, applying edit to portal.toml.
func copySite(t *testing.T, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	cfg, err := os.ReadFile(filepath.Join(repoRoot, "portal.toml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "portal.toml"), []byte(edit(string(cfg))), 0o644))
	for _, sub := range []string{"content", "data"} {
		src := filepath.Join(repoRoot, sub)
		require.NoError(t, filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			dst := filepath.Join(dir, sub, rel)
			if d.IsDir() {
				return os.MkdirAll(dst, 0o755)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(dst, b, 0o644)
		}))
	}
	return dir
}

// replica is one running `portal serve`.
type replica struct {
	name   string
	site   string
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:port, its own address
	office string // http://127.0.0.1:port, its back office
	mu     sync.Mutex
	out    strings.Builder // stdout and stderr
	exited chan struct{}
}

var (
	servingRe = regexp.MustCompile(`\(serving\) (http://[0-9.:]+)/`)
	officeRe  = regexp.MustCompile(`\(back office\) (http://[0-9.:]+)/`)
)

// startReplica runs `portal serve -production` with args and waits until it
// serves. It may run on any goroutine: it reports failure as an error.
func startReplica(t *testing.T, bin, name, site string, env []string, args ...string) (*replica, error) {
	r := &replica{name: name, site: site, exited: make(chan struct{})}
	r.cmd = exec.Command(bin, append([]string{"serve", "-production", "-site", site, "-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"}, args...)...)
	r.cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	r.cmd.Stdout, r.cmd.Stderr = pw, pw
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		r.cmd.Wait()
		pw.Close()
		close(r.exited)
	}()
	t.Cleanup(func() { r.stop(t) })
	ready := make(chan struct{})
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		once := sync.Once{}
		for sc.Scan() {
			r.mu.Lock()
			r.out.WriteString(sc.Text() + "\n")
			if m := servingRe.FindStringSubmatch(sc.Text()); m != nil {
				r.base = m[1]
			}
			if m := officeRe.FindStringSubmatch(sc.Text()); m != nil {
				r.office = m[1]
			}
			done := r.base != "" && r.office != ""
			r.mu.Unlock()
			if done {
				once.Do(func() { close(ready) })
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case <-ready:
		return r, nil
	case <-scanned:
		return nil, fmt.Errorf("%s exited (%v):\n%s", name, r.cmd.ProcessState, r.output())
	case <-time.After(3 * time.Minute):
		return nil, fmt.Errorf("%s did not start:\n%s", name, r.output())
	}
}

func (r *replica) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// stop ends the replica with SIGTERM (a clean shutdown), if it still runs.
func (r *replica) stop(t *testing.T) {
	select {
	case <-r.exited:
		return
	default:
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(30 * time.Second):
		r.cmd.Process.Kill()
		<-r.exited
		t.Errorf("%s did not stop on SIGTERM", r.name)
	}
}

// selfSignedCert writes a certificate for host and its key into dir and
// returns their paths and a pool trusting it.
func selfSignedCert(t *testing.T, dir string) (crt, key string, pool *x509.CertPool) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	require.NoError(t, err)
	kb, err := x509.MarshalECPrivateKey(priv)
	require.NoError(t, err)
	crt, key = filepath.Join(dir, "site.crt"), filepath.Join(dir, "site.key")
	require.NoError(t, os.WriteFile(crt, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
	require.NoError(t, os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return crt, key, pool
}

// freePort returns a loopback port nobody listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

// proxy is nginx running the documented configuration.
type proxy struct {
	https, http string // 127.0.0.1:port
	dir         string
	pool        *x509.CertPool
}

// startNginx loads docs/deploy/<confName> with only the machine-specific
// values replaced (ports, upstream addresses, certificate and log paths;
// each replacement must match, so the test follows the documented file)
// and runs nginx in the foreground until the test ends.
func startNginx(t *testing.T, confName string, replace map[string]string) *proxy {
	t.Helper()
	bin := nginxPath(t)
	dir := t.TempDir()
	p := &proxy{https: "127.0.0.1:" + freePort(t), http: "127.0.0.1:" + freePort(t), dir: dir}
	crt, key, pool := selfSignedCert(t, dir)
	p.pool = pool
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "deploy", confName))
	require.NoError(t, err)
	conf := string(doc)
	all := map[string]string{
		"listen 443 ssl http2;":                "listen " + p.https + " ssl http2;",
		"listen 80;":                           "listen " + p.http + ";",
		"/etc/nginx/tls/xyxx.linyi.gov.cn.crt": crt,
		"/etc/nginx/tls/xyxx.linyi.gov.cn.key": key,
		"/var/log/nginx/":                      dir + "/",
	}
	for k, v := range replace {
		all[k] = v
	}
	for old, new := range all {
		require.Contains(t, conf, old, "docs/deploy/%s changed: update the test's replacements", confName)
		conf = strings.ReplaceAll(conf, old, new)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "portal.conf"), []byte(conf), 0o644))
	user := ""
	if os.Geteuid() == 0 {
		user = "user root root;" // workers must reach the test's private folders
	}
	main := fmt.Sprintf(`%s
daemon off;
worker_processes 2;
pid %[2]s/nginx.pid;
error_log %[2]s/main.error.log;
events { worker_connections 1024; }
http {
  client_body_temp_path %[2]s/body;
  proxy_temp_path %[2]s/proxy;
  fastcgi_temp_path %[2]s/fastcgi;
  uwsgi_temp_path %[2]s/uwsgi;
  scgi_temp_path %[2]s/scgi;
  include %[2]s/portal.conf;
}
`, user, dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644))
	out, err := exec.Command(bin, "-t", "-c", filepath.Join(dir, "nginx.conf")).CombinedOutput()
	require.NoError(t, err, "nginx -t: %s", out)
	cmd := exec.Command(bin, "-c", filepath.Join(dir, "nginx.conf"))
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGQUIT) // graceful
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	for i := 0; ; i++ {
		c, err := net.DialTimeout("tcp", p.https, time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Fatalf("nginx exited: %s", logs.String())
		default:
		}
		require.Less(t, i, 200, "nginx did not listen: %s", logs.String())
		time.Sleep(50 * time.Millisecond)
	}
	return p
}

// client returns an HTTP client that reaches https://xyxx.linyi.gov.cn/
// through the proxy from the loopback address ip (a distinct real client
// for nginx), trusting the test certificate. It follows no redirects.
func (p *proxy) client(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				target := p.https
				if strings.HasSuffix(addr, ":80") {
					target = p.http
				}
				return d.DialContext(ctx, network, target)
			},
			TLSClientConfig:     &tls.Config{RootCAs: p.pool, ServerName: host},
			MaxIdleConnsPerHost: 8,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// accessLog returns nginx's access log for the site.
func (p *proxy) accessLog(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(p.dir, "portal.access.log"))
	require.NoError(t, err)
	return string(b)
}
