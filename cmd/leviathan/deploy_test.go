package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The deployment files live in deploy/ and are written by hand; these tests
// keep them honest against the settings the binary actually reads, so that
// a renamed or removed setting cannot silently turn into a variable nobody
// reads.

const deployDir = "../../deploy"

func settingNames() map[string]setting {
	m := map[string]setting{}
	for _, s := range settings {
		m[s.Env] = s
		if s.Secret {
			m[s.Env+"_FILE"] = s // the secret's file (see secretFrom)
		}
	}
	return m
}

// checkConfig runs env through loadConfig, as the binary would at start.
func checkConfig(t *testing.T, where string, env map[string]string) Config {
	t.Helper()
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg, _, err := loadConfig(environ, fs, nil)
	if err != nil {
		t.Errorf("%s: the settings do not load: %v", where, err)
	}
	return cfg
}

func unknownSettings(env map[string]string) []string {
	known := settingNames()
	var bad []string
	for k := range env {
		if _, ok := known[k]; !ok {
			bad = append(bad, k)
		}
	}
	sort.Strings(bad)
	return bad
}

// --- Dockerfile ---------------------------------------------------------

type dockerfile struct {
	env     map[string]string
	user    string
	expose  []string
	volumes []string
	health  string
	entry   string
	cmd     string
}

// readDockerfile reads the instructions of the final stage that matter to
// the other files; it understands the forms deploy/Dockerfile uses.
func readDockerfile(t *testing.T) dockerfile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployDir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	// Join continuation lines, then keep what follows the last FROM.
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasPrefix(strings.ToUpper(l), "FROM ") {
			lines = nil
		}
		lines = append(lines, l)
	}
	d := dockerfile{env: map[string]string{}}
	for _, l := range lines {
		instr, rest, _ := strings.Cut(l, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(instr) {
		case "ENV":
			for _, f := range strings.Fields(rest) {
				k, v, ok := strings.Cut(f, "=")
				if !ok {
					t.Fatalf("Dockerfile: ENV %q is not in the KEY=value form", f)
				}
				d.env[k] = strings.Trim(v, `"`)
			}
		case "USER":
			d.user = rest
		case "EXPOSE":
			d.expose = append(d.expose, strings.Fields(rest)...)
		case "VOLUME":
			d.volumes = append(d.volumes, strings.Fields(rest)...)
		case "HEALTHCHECK":
			d.health = rest
		case "ENTRYPOINT":
			d.entry = rest
		case "CMD":
			d.cmd = rest
		}
	}
	return d
}

func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("LEVIATHAN_HTTP_ADDR %q: %v", addr, err)
	}
	return port
}

func TestDockerfile(t *testing.T) {
	d := readDockerfile(t)
	if bad := unknownSettings(d.env); len(bad) > 0 {
		t.Errorf("Dockerfile sets variables the binary does not read: %v", bad)
	}
	checkConfig(t, "Dockerfile ENV", d.env)
	uid, _, _ := strings.Cut(d.user, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		t.Errorf("final stage USER %q: want a numeric non-root user", d.user)
	}
	dataDir := d.env["LEVIATHAN_DATA_DIR"]
	if dataDir == "" || !contains(d.volumes, dataDir) {
		t.Errorf("LEVIATHAN_DATA_DIR %q is not a VOLUME (%v)", dataDir, d.volumes)
	}
	if port := portOf(t, d.env["LEVIATHAN_HTTP_ADDR"]); !contains(d.expose, port) {
		t.Errorf("EXPOSE %v lacks the health port %s", d.expose, port)
	}
	if host, _, _ := net.SplitHostPort(d.env["LEVIATHAN_HTTP_ADDR"]); host != "" && host != "0.0.0.0" {
		t.Errorf("LEVIATHAN_HTTP_ADDR %q listens on %q only: unreachable from outside the container", d.env["LEVIATHAN_HTTP_ADDR"], host)
	}
	if !strings.Contains(d.health, `"healthcheck"`) || !strings.Contains(d.health, "CMD [") {
		t.Errorf("HEALTHCHECK %q: want the exec form running leviathan healthcheck (there is no shell)", d.health)
	}
	if d.entry != `["/leviathan"]` || d.cmd != `["serve"]` {
		t.Errorf("ENTRYPOINT %s CMD %s: want [\"/leviathan\"] and [\"serve\"]", d.entry, d.cmd)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// --- .env.example --------------------------------------------------------

var envLine = regexp.MustCompile(`^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$`)

// readEnvExample returns the settings set on active lines and the names
// shown anywhere (active or as a commented-out "# NAME=default").
func readEnvExample(t *testing.T) (active map[string]string, shown map[string]string) {
	t.Helper()
	f, err := os.Open(filepath.Join(deployDir, ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	active, shown = map[string]string{}, map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		m := envLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		if _, dup := shown[m[2]]; dup {
			t.Errorf(".env.example:%d: %s appears twice", n, m[2])
		}
		shown[m[2]] = m[3]
		if m[1] == "" {
			active[m[2]] = m[3]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return active, shown
}

func TestEnvExampleListsEverySetting(t *testing.T) {
	active, shown := readEnvExample(t)
	if bad := unknownSettings(shown); len(bad) > 0 {
		t.Errorf(".env.example names variables the binary does not read: %v", bad)
	}
	for _, s := range settings {
		if _, ok := shown[s.Env]; !ok {
			t.Errorf(".env.example lacks %s (%s)", s.Env, s.Usage)
		}
	}
	// Uncommenting any line as shown must give a valid configuration.
	checkConfig(t, ".env.example, every line uncommented", shown)
	checkConfig(t, ".env.example as shipped", active)
	for k, v := range active {
		if s := settingNames()[k]; s.Secret && v != "" {
			t.Errorf(".env.example ships a value for the secret %s", k)
		}
	}
}

// --- compose.yaml --------------------------------------------------------

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string                   `yaml:"image"`
	Build       any                      `yaml:"build"`
	Command     any                      `yaml:"command"`
	EnvFile     any                      `yaml:"env_file"`
	Environment yaml.Node                `yaml:"environment"`
	Ports       []string                 `yaml:"ports"`
	Volumes     []string                 `yaml:"volumes"`
	User        string                   `yaml:"user"`
	ReadOnly    bool                     `yaml:"read_only"`
	Healthcheck *struct{ Test []string } `yaml:"healthcheck"`
	DependsOn   yaml.Node                `yaml:"depends_on"`
}

// composeDefault resolves compose's ${NAME:-default} and ${NAME-default}
// to the default, as compose does when .env leaves NAME unset.
var composeVar = regexp.MustCompile(`\$\{([A-Z0-9_]+):?-([^}]*)\}`)

func composeEnv(t *testing.T, n yaml.Node) map[string]string {
	t.Helper()
	env := map[string]string{}
	switch n.Kind {
	case 0:
	case yaml.MappingNode:
		var m map[string]string
		if err := n.Decode(&m); err != nil {
			t.Fatalf("compose environment: %v", err)
		}
		env = m
	case yaml.SequenceNode:
		var l []string
		if err := n.Decode(&l); err != nil {
			t.Fatalf("compose environment: %v", err)
		}
		for _, kv := range l {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
	default:
		t.Fatalf("compose environment: unexpected YAML kind %v", n.Kind)
	}
	for k, v := range env {
		env[k] = composeVar.ReplaceAllString(v, "$2")
	}
	return env
}

func TestComposeAgreesWithBinary(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(deployDir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(b, &cf); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	d := readDockerfile(t)
	envExample, _ := readEnvExample(t)

	bots := 0
	for name, svc := range cf.Services {
		if svc.Build == nil && !strings.Contains(svc.Image, "leviathan") {
			continue // Ollama and its helpers: their variables are theirs
		}
		bots++
		env := composeEnv(t, svc.Environment)
		if bad := unknownSettings(env); len(bad) > 0 {
			t.Errorf("compose service %s sets variables the binary does not read: %v", name, bad)
		}
		// What the container sees: image ENV, then .env, then environment.
		merged := map[string]string{}
		for _, src := range []map[string]string{d.env, envExample, env} {
			for k, v := range src {
				merged[k] = v
			}
		}
		cfg := checkConfig(t, "compose service "+name, merged)
		if !cfg.UseLLM() {
			t.Errorf("compose service %s: no LLM backend configured, want the Ollama service", name)
		}
		if !strings.Contains(fmt.Sprint(svc.EnvFile), ".env") {
			t.Errorf("compose service %s: env_file %v, want .env", name, svc.EnvFile)
		}
		port := portOf(t, cfg.HTTPAddr)
		published := false
		for _, p := range svc.Ports {
			if strings.HasSuffix(p, ":"+port) {
				published = true
			}
			if strings.Count(p, ":") < 2 || !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("compose service %s publishes %q beyond 127.0.0.1", name, p)
			}
		}
		if !published {
			t.Errorf("compose service %s does not publish the health port %s (ports %v)", name, port, svc.Ports)
		}
		mounted := false
		for _, v := range svc.Volumes {
			parts := strings.Split(v, ":")
			if len(parts) >= 2 && parts[1] == cfg.DataDir && !strings.HasSuffix(v, ":ro") {
				mounted = true
				if _, ok := cf.Volumes[parts[0]]; !ok {
					t.Errorf("compose service %s mounts undeclared volume %q", name, parts[0])
				}
			}
		}
		if !mounted {
			t.Errorf("compose service %s: no writable volume on LEVIATHAN_DATA_DIR %s", name, cfg.DataDir)
		}
		if uid, _, _ := strings.Cut(svc.User, ":"); svc.User != "" && (uid == "0" || uid == "root") {
			t.Errorf("compose service %s runs as root", name)
		}
		if svc.Healthcheck == nil || !contains(svc.Healthcheck.Test, "healthcheck") {
			t.Errorf("compose service %s: healthcheck should run leviathan healthcheck", name)
		}
	}
	if bots != 1 {
		t.Errorf("compose.yaml has %d leviathan services, want 1", bots)
	}
	if _, ok := cf.Services["ollama"]; !ok {
		t.Error("compose.yaml has no ollama service")
	}
}

// --- Kubernetes ------------------------------------------------------------

type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name        string            `yaml:"name"`
		Labels      map[string]string `yaml:"labels"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       yaml.Node         `yaml:"spec"`
}

type statefulSetSpec struct {
	ServiceName string `yaml:"serviceName"`
	Replicas    *int   `yaml:"replicas"`
	Selector    struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	} `yaml:"selector"`
	Template struct {
		Metadata struct {
			Labels map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
		Spec podSpec `yaml:"spec"`
	} `yaml:"template"`
}

type podSpec struct {
	SecurityContext securityContext `yaml:"securityContext"`
	Containers      []container     `yaml:"containers"`
	Volumes         []struct {
		Name     string    `yaml:"name"`
		EmptyDir *struct{} `yaml:"emptyDir"`
	} `yaml:"volumes"`
}

type securityContext struct {
	RunAsNonRoot             *bool `yaml:"runAsNonRoot"`
	RunAsUser                *int  `yaml:"runAsUser"`
	ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
	AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
}

type k8sProbe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
}

type container struct {
	Name  string   `yaml:"name"`
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom *struct {
			FieldRef *struct {
				FieldPath string `yaml:"fieldPath"`
			} `yaml:"fieldRef"`
			SecretKeyRef *struct {
				Name string `yaml:"name"`
				Key  string `yaml:"key"`
			} `yaml:"secretKeyRef"`
			ConfigMapKeyRef *struct {
				Name string `yaml:"name"`
				Key  string `yaml:"key"`
			} `yaml:"configMapKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	EnvFrom []struct {
		ConfigMapRef *struct{ Name string } `yaml:"configMapRef"`
		SecretRef    *struct{ Name string } `yaml:"secretRef"`
	} `yaml:"envFrom"`
	StartupProbe    *k8sProbe       `yaml:"startupProbe"`
	LivenessProbe   *k8sProbe       `yaml:"livenessProbe"`
	ReadinessProbe  *k8sProbe       `yaml:"readinessProbe"`
	SecurityContext securityContext `yaml:"securityContext"`
	Resources       struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	} `yaml:"volumeMounts"`
}

type serviceSpec struct {
	ClusterIP string            `yaml:"clusterIP"`
	Selector  map[string]string `yaml:"selector"`
	Ports     []struct {
		Name       string `yaml:"name"`
		Port       int    `yaml:"port"`
		TargetPort any    `yaml:"targetPort"`
	} `yaml:"ports"`
}

func readManifests(t *testing.T) []k8sObject {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(deployDir, "kubernetes", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in deploy/kubernetes (%v)", err)
	}
	var objs []k8sObject
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var o k8sObject
			err := dec.Decode(&o)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if o.Kind == "" {
				continue // an empty document
			}
			objs = append(objs, o)
		}
	}
	return objs
}

func find(objs []k8sObject, kind, name string) *k8sObject {
	for i := range objs {
		if objs[i].Kind == kind && objs[i].Metadata.Name == name {
			return &objs[i]
		}
	}
	return nil
}

// portNumber resolves a probe's or Service's port (a number or the name of
// a container port).
func portNumber(c container, p any) string {
	switch v := p.(type) {
	case int:
		return strconv.Itoa(v)
	case string:
		for _, cp := range c.Ports {
			if cp.Name == v {
				return strconv.Itoa(cp.ContainerPort)
			}
		}
		return "named port " + v + " undefined"
	}
	return fmt.Sprintf("%v", p)
}

func TestKubernetesAgreesWithBinary(t *testing.T) {
	objs := readManifests(t)
	d := readDockerfile(t)

	var sts []k8sObject
	for _, o := range objs {
		if o.Kind == "StatefulSet" {
			sts = append(sts, o)
		}
	}
	if len(sts) != 1 {
		t.Fatalf("want one StatefulSet, got %d", len(sts))
	}
	var spec statefulSetSpec
	if err := sts[0].Spec.Decode(&spec); err != nil {
		t.Fatalf("StatefulSet spec: %v", err)
	}
	if spec.Replicas == nil || *spec.Replicas < 1 {
		t.Fatal("StatefulSet: replicas must be set (they are the shards)")
	}
	if len(spec.Template.Spec.Containers) != 1 {
		t.Fatalf("want one container, got %d", len(spec.Template.Spec.Containers))
	}
	c := spec.Template.Spec.Containers[0]
	if len(c.Args) > 0 && c.Args[0] != "serve" {
		t.Errorf("container args %v: want serve", c.Args)
	}

	// The environment the container gets: image ENV, then envFrom (in
	// order), then env. Every name must be a setting.
	env := map[string]string{}
	for k, v := range d.env {
		env[k] = v
	}
	for _, ef := range c.EnvFrom {
		var o *k8sObject
		switch {
		case ef.ConfigMapRef != nil:
			if o = find(objs, "ConfigMap", ef.ConfigMapRef.Name); o == nil {
				t.Errorf("envFrom ConfigMap %q is not among the manifests", ef.ConfigMapRef.Name)
				continue
			}
		case ef.SecretRef != nil:
			if o = find(objs, "Secret", ef.SecretRef.Name); o == nil {
				t.Errorf("envFrom Secret %q is not among the manifests", ef.SecretRef.Name)
				continue
			}
		default:
			t.Error("envFrom entry without configMapRef or secretRef")
			continue
		}
		data := map[string]string{}
		for k, v := range o.Data {
			data[k] = v
		}
		for k, v := range o.StringData {
			data[k] = v
		}
		if bad := unknownSettings(data); len(bad) > 0 {
			t.Errorf("%s %s holds variables the binary does not read: %v", o.Kind, o.Metadata.Name, bad)
		}
		for k, v := range data {
			if s := settingNames()[k]; s.Secret && o.Kind != "Secret" {
				t.Errorf("secret setting %s is in %s %s, want a Secret", k, o.Kind, o.Metadata.Name)
			}
			env[k] = v
		}
	}
	shardCount := ""
	shardIDFromOrdinal := false
	for _, e := range c.Env {
		if _, ok := settingNames()[e.Name]; !ok {
			t.Errorf("container env %s is not a setting the binary reads", e.Name)
		}
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = e.Value
		case e.ValueFrom.FieldRef != nil:
			if e.Name == "DISCORD_SHARD_ID" && e.ValueFrom.FieldRef.FieldPath == "metadata.labels['apps.kubernetes.io/pod-index']" {
				shardIDFromOrdinal = true
			}
			env[e.Name] = "0" // the first pod's value, for the load check below
		case e.ValueFrom.SecretKeyRef != nil:
			if find(objs, "Secret", e.ValueFrom.SecretKeyRef.Name) == nil {
				t.Errorf("env %s refers to Secret %q, not among the manifests", e.Name, e.ValueFrom.SecretKeyRef.Name)
			}
			env[e.Name] = "from-secret"
		case e.ValueFrom.ConfigMapKeyRef != nil:
			if find(objs, "ConfigMap", e.ValueFrom.ConfigMapKeyRef.Name) == nil {
				t.Errorf("env %s refers to ConfigMap %q, not among the manifests", e.Name, e.ValueFrom.ConfigMapKeyRef.Name)
			}
		}
		if e.Name == "DISCORD_SHARD_COUNT" {
			shardCount = e.Value
		}
	}
	if !shardIDFromOrdinal {
		t.Error("DISCORD_SHARD_ID must come from the pod ordinal (fieldRef metadata.labels['apps.kubernetes.io/pod-index'])")
	}
	if env["DISCORD_SHARD_COUNT"] != strconv.Itoa(*spec.Replicas) {
		t.Errorf("DISCORD_SHARD_COUNT %q (env %q) must equal replicas %d", env["DISCORD_SHARD_COUNT"], shardCount, *spec.Replicas)
	}
	cfg := checkConfig(t, "StatefulSet environment", env)
	if cfg.DiscordToken == "" {
		t.Error("no DISCORD_TOKEN reaches the container")
	}

	// Probes on the health server's port.
	port := portOf(t, cfg.HTTPAddr)
	for _, p := range []struct {
		name, path string
		probe      *k8sProbe
	}{
		{"livenessProbe", "/healthz", c.LivenessProbe},
		{"readinessProbe", "/readyz", c.ReadinessProbe},
		{"startupProbe", "/healthz", c.StartupProbe},
	} {
		if p.probe == nil {
			if p.name != "startupProbe" {
				t.Errorf("%s missing", p.name)
			}
			continue
		}
		if p.probe.HTTPGet == nil || p.probe.HTTPGet.Path != p.path {
			t.Errorf("%s: want httpGet %s", p.name, p.path)
			continue
		}
		if got := portNumber(c, p.probe.HTTPGet.Port); got != port {
			t.Errorf("%s port %s, want %s (LEVIATHAN_HTTP_ADDR %s)", p.name, got, port, cfg.HTTPAddr)
		}
	}
	if c.Resources.Requests["cpu"] == "" || c.Resources.Requests["memory"] == "" || c.Resources.Limits["memory"] == "" {
		t.Errorf("resources %+v: want cpu and memory requests and a memory limit", c.Resources)
	}

	// Non-root, read-only root, the data directory writable.
	pod := spec.Template.Spec.SecurityContext
	if pod.RunAsNonRoot == nil || !*pod.RunAsNonRoot {
		t.Error("pod securityContext.runAsNonRoot must be true")
	}
	if pod.RunAsUser != nil && *pod.RunAsUser == 0 {
		t.Error("pod runs as uid 0")
	}
	if c.SecurityContext.RunAsUser != nil && *c.SecurityContext.RunAsUser == 0 {
		t.Error("container runs as uid 0")
	}
	if c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
		t.Error("container securityContext.readOnlyRootFilesystem must be true")
	}
	if c.SecurityContext.AllowPrivilegeEscalation == nil || *c.SecurityContext.AllowPrivilegeEscalation {
		t.Error("container securityContext.allowPrivilegeEscalation must be false")
	}
	dataWritable := false
	for _, vm := range c.VolumeMounts {
		if vm.MountPath == cfg.DataDir && !vm.ReadOnly {
			dataWritable = true
		}
	}
	if !dataWritable {
		t.Errorf("LEVIATHAN_DATA_DIR %s is not a writable volume mount; the root filesystem is read-only", cfg.DataDir)
	}

	// Services: the headless one the StatefulSet names, and one for metrics,
	// both selecting the pods and reaching the health port.
	for k, v := range spec.Selector.MatchLabels {
		if spec.Template.Metadata.Labels[k] != v {
			t.Errorf("selector %s=%s does not match the pod template", k, v)
		}
	}
	var scraped bool
	for _, o := range objs {
		if o.Kind != "Service" {
			continue
		}
		var ss serviceSpec
		if err := o.Spec.Decode(&ss); err != nil {
			t.Fatalf("Service %s: %v", o.Metadata.Name, err)
		}
		for k, v := range ss.Selector {
			if spec.Template.Metadata.Labels[k] != v {
				t.Errorf("Service %s selects %s=%s, which the pods lack", o.Metadata.Name, k, v)
			}
		}
		for _, p := range ss.Ports {
			if got := portNumber(c, p.TargetPort); got != port {
				t.Errorf("Service %s port %s targets %s, want %s", o.Metadata.Name, p.Name, got, port)
			}
		}
		if o.Metadata.Name == spec.ServiceName && ss.ClusterIP != "None" {
			t.Errorf("Service %s (the StatefulSet's serviceName) must be headless", o.Metadata.Name)
		}
		if a := o.Metadata.Annotations; a["prometheus.io/scrape"] == "true" {
			scraped = true
			if a["prometheus.io/path"] != "/metrics" || a["prometheus.io/port"] != port {
				t.Errorf("Service %s scrape annotations %v: want path /metrics, port %s", o.Metadata.Name, a, port)
			}
		}
	}
	if find(objs, "Service", spec.ServiceName) == nil {
		t.Errorf("the StatefulSet's serviceName %q is not among the manifests", spec.ServiceName)
	}
	if !scraped {
		t.Error("no Service carries prometheus.io/scrape annotations")
	}
}

// TestKustomizationListsEveryManifest checks that `kubectl apply -k` brings
// up everything the StatefulSet needs except the token Secret, which must
// stay out: the operator creates it once, and an apply that carried the
// example Secret would overwrite the real token with the placeholder (the
// bot would then be refused by Discord with close 4004).
func TestKustomizationListsEveryManifest(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(deployDir, "kubernetes", "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k struct {
		Resources []string `yaml:"resources"`
	}
	if err := yaml.Unmarshal(b, &k); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(deployDir, "kubernetes", "*.yaml"))
	secrets := 0
	for _, f := range files {
		base := filepath.Base(f)
		if base == "kustomization.yaml" {
			continue
		}
		kinds := manifestKinds(t, f)
		switch {
		case contains(kinds, "Secret"):
			secrets++
			if contains(k.Resources, base) {
				t.Errorf("kustomization.yaml lists %s, which holds a Secret: every apply -k would overwrite the real token", base)
			}
		case !contains(k.Resources, base):
			t.Errorf("kustomization.yaml does not list %s (%v)", base, kinds)
		}
	}
	if secrets == 0 {
		t.Error("deploy/kubernetes has no example Secret for the token")
	}
	for _, r := range k.Resources {
		if _, err := os.Stat(filepath.Join(deployDir, "kubernetes", r)); err != nil {
			t.Errorf("kustomization.yaml lists %s: %v", r, err)
		}
	}
}

// manifestKinds returns the kinds of the objects in one manifest file.
func manifestKinds(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var o struct {
			Kind string `yaml:"kind"`
		}
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if o.Kind != "" {
			kinds = append(kinds, o.Kind)
		}
	}
	return kinds
}
