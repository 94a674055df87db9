// The Go binding benchmark of bench/run.sh (see bench/README.md), on test:///default.
//
// This file is the one source: bench/run.sh writes bench/go/virthub/bench_test.go from
// it with the import path "libvirt.org/go/libvirt" replaced by "virthub.org/go/libvirt"
// and nothing else changed, so both bindings run exactly this code.
//
//	go test -run '^$' -bench . -benchtime=20000x
//
// After the benchmarks, TestMain prints one line "benchinfo {json}": the binding's package
// path and every libvirt*.so* mapped into the process, for the report's library check.
package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	libvirt "libvirt.org/go/libvirt"
)

const uri = "test:///default"

func TestMain(m *testing.M) {
	code := m.Run()
	info, _ := json.Marshal(map[string]interface{}{
		"binding":    reflect.TypeOf((*libvirt.Connect)(nil)).Elem().PkgPath(),
		"libs":       mappedLibvirt(),
		"go":         runtime.Version(),
		"gomaxprocs": runtime.GOMAXPROCS(0),
	})
	fmt.Printf("benchinfo %s\n", info)
	os.Exit(code)
}

// mappedLibvirt: every libvirt*.so* mapped into this process, realpath'd, sorted.
func mappedLibvirt() []string {
	libs := []string{}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return libs
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(string(maps), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		path := strings.Join(f[5:], " ")
		base := filepath.Base(path)
		if !strings.HasPrefix(base, "libvirt") || !strings.Contains(base, ".so") {
			continue
		}
		if real, err := filepath.EvalSymlinks(path); err == nil {
			path = real
		}
		if !seen[path] {
			seen[path] = true
			libs = append(libs, path)
		}
	}
	sort.Strings(libs)
	return libs
}

func open(b *testing.B) *libvirt.Connect {
	conn, err := libvirt.NewConnect(uri)
	if err != nil {
		b.Fatalf("NewConnect(%q): %v", uri, err)
	}
	return conn
}

func countDomains(b *testing.B, conn *libvirt.Connect) int {
	active, err := conn.NumOfDomains()
	if err != nil {
		b.Fatalf("NumOfDomains: %v", err)
	}
	inactive, err := conn.NumOfDefinedDomains()
	if err != nil {
		b.Fatalf("NumOfDefinedDomains: %v", err)
	}
	return active + inactive
}

func lookupFree(b *testing.B, conn *libvirt.Connect, name string) {
	dom, err := conn.LookupDomainByName(name)
	if err != nil {
		b.Fatalf("LookupDomainByName(%q): %v", name, err)
	}
	if err := dom.Free(); err != nil {
		b.Fatalf("Free: %v", err)
	}
}

// BenchmarkLookupByName: conn.LookupDomainByName("test") then dom.Free().
func BenchmarkLookupByName(b *testing.B) {
	conn := open(b)
	defer conn.Close()
	dom, err := conn.LookupDomainByName("test")
	if err != nil {
		b.Fatalf("LookupDomainByName(\"test\"): %v", err)
	}
	desc, err := dom.GetXMLDesc(0)
	if err != nil || !strings.Contains(desc, "<name>test</name>") {
		b.Fatalf("GetXMLDesc of \"test\": %v %.200q", err, desc)
	}
	dom.Free()
	for i := 0; i < 1000; i++ { // warm-up
		lookupFree(b, conn, "test")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lookupFree(b, conn, "test")
	}
	b.StopTimer()
}

var seq int // domain names are never reused within a process

func domainXML(name string) string {
	return "<domain type='test'><name>" + name + "</name><memory>1024</memory>" +
		"<os><type>hvm</type></os></domain>"
}

// defineSequence: DomainDefineXML (its Domain freed), LookupDomainByName, GetXMLDesc(0),
// Undefine, Free, of a new small domain.
func defineSequence(b *testing.B, conn *libvirt.Connect, prefix string) {
	seq++
	name := fmt.Sprintf("%s%d", prefix, seq)
	def, err := conn.DomainDefineXML(domainXML(name))
	if err != nil {
		b.Fatalf("DomainDefineXML(%s): %v", name, err)
	}
	if err := def.Free(); err != nil {
		b.Fatalf("Free: %v", err)
	}
	dom, err := conn.LookupDomainByName(name)
	if err != nil {
		b.Fatalf("LookupDomainByName(%q): %v", name, err)
	}
	desc, err := dom.GetXMLDesc(0)
	if err != nil {
		b.Fatalf("GetXMLDesc(%s): %v", name, err)
	}
	if !strings.Contains(desc, "<name>"+name+"</name>") {
		b.Fatalf("GetXMLDesc of %s does not name it: %.200q", name, desc)
	}
	if err := dom.Undefine(); err != nil {
		b.Fatalf("Undefine(%s): %v", name, err)
	}
	if err := dom.Free(); err != nil {
		b.Fatalf("Free: %v", err)
	}
}

// BenchmarkDefineLoop: one define + lookup + XML + undefine sequence per op.
func BenchmarkDefineLoop(b *testing.B) {
	conn := open(b)
	defer conn.Close()
	before := countDomains(b, conn)
	for i := 0; i < 50; i++ { // warm-up
		defineSequence(b, conn, "bench-warm-")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		defineSequence(b, conn, "bench-")
	}
	b.StopTimer()
	if after := countDomains(b, conn); after != before {
		b.Fatalf("%d domains at the end, %d at the start", after, before)
	}
}
