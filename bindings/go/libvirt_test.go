package libvirt

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const testURI = "test:///default"

func open(t *testing.T) *Connect {
	t.Helper()
	c, err := NewConnect(testURI)
	if err != nil {
		t.Fatalf("NewConnect: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestLookupAndInfo(t *testing.T) {
	c := open(t)
	d, err := c.LookupDomainByName("test")
	if err != nil {
		t.Fatalf("LookupDomainByName: %v", err)
	}
	defer d.Free()
	name, err := d.GetName()
	if err != nil || name != "test" {
		t.Fatalf("GetName = %q, %v", name, err)
	}
	info, err := d.GetInfo()
	if err != nil {
		t.Fatalf("GetInfo: %v", err)
	}
	if DomainState(info.State) != DOMAIN_RUNNING || info.MaxMem != 8388608 || info.NrVirtCpu != 2 {
		t.Fatalf("GetInfo = %+v", *info)
	}
	uuid, err := d.GetUUIDString()
	if err != nil || uuid != "6695eb01-f6a4-8304-79aa-97f2502e193f" {
		t.Fatalf("GetUUIDString = %q, %v", uuid, err)
	}
	node, err := c.GetNodeInfo()
	if err != nil || node.Cpus != 16 || node.Model != "i686" {
		t.Fatalf("GetNodeInfo = %+v, %v", node, err)
	}
}

func TestErrorsCarryLibvirtsCodeDomainAndMessage(t *testing.T) {
	c := open(t)
	_, err := c.LookupDomainByName("nosuch")
	var lerr Error
	if !errors.As(err, &lerr) {
		t.Fatalf("error %v (%T) is not a libvirt.Error", err, err)
	}
	if lerr.Code != ERR_NO_DOMAIN || lerr.Domain != FROM_TEST || lerr.Message != "Domain not found" || lerr.Level != ERR_ERROR {
		t.Fatalf("error = %+v", lerr)
	}
	if !errors.Is(err, Error{Code: ERR_NO_DOMAIN, Domain: FROM_TEST}) {
		t.Fatalf("errors.Is does not match by code and domain")
	}
	if got := err.Error(); got != "virError(Code=42, Domain=12, Message='Domain not found')" {
		t.Fatalf("Error() = %q", got)
	}
	if _, err := NewConnect("test://"); err == nil || err.(Error).Code != ERR_INVALID_ARG {
		t.Fatalf("NewConnect(test://) = %v", err)
	}
}

func TestListsAndDefineLoop(t *testing.T) {
	c := open(t)
	for i := 0; i < 50; i++ {
		name := "go-loop-" + strconv.Itoa(i)
		d, err := c.DomainDefineXML(fmt.Sprintf("<domain type='test'><name>%s</name><memory>1024</memory><os><type>hvm</type></os></domain>", name))
		if err != nil {
			t.Fatalf("DomainDefineXML: %v", err)
		}
		xml, err := d.GetXMLDesc(0)
		if err != nil || !strings.Contains(xml, "<name>"+name+"</name>") {
			t.Fatalf("GetXMLDesc = %q, %v", xml, err)
		}
		defined, err := c.ListDefinedDomains()
		if err != nil || len(defined) != 1 || defined[0] != name {
			t.Fatalf("ListDefinedDomains = %v, %v", defined, err)
		}
		if err := d.Undefine(); err != nil {
			t.Fatalf("Undefine: %v", err)
		}
		d.Free()
	}
	doms, err := c.ListAllDomains(0)
	if err != nil || len(doms) != 1 {
		t.Fatalf("ListAllDomains = %v, %v", doms, err)
	}
	if name, _ := doms[0].GetName(); name != "test" {
		t.Fatalf("ListAllDomains names %q", name)
	}
	ids, err := c.ListDomains()
	if err != nil || len(ids) != 1 || ids[0] != 1 {
		t.Fatalf("ListDomains = %v, %v", ids, err)
	}
}

// Each call's error is captured in the same C call: goroutines that fail and succeed at once,
// moving between OS threads, each see their own error.
func TestErrorsPerGoroutine(t *testing.T) {
	c := open(t)
	var wg sync.WaitGroup
	failures := make(chan string, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				if (g+i)%2 == 0 {
					_, err := c.LookupDomainByName("nosuch-" + strconv.Itoa(g))
					if e, ok := err.(Error); !ok || e.Code != ERR_NO_DOMAIN {
						failures <- fmt.Sprintf("goroutine %d: %v", g, err)
						return
					}
				} else {
					d, err := c.LookupDomainByName("test")
					if err != nil {
						failures <- fmt.Sprintf("goroutine %d: %v", g, err)
						return
					}
					d.Free()
				}
				if i%100 == 0 {
					runtime.Gosched()
				}
			}
		}(g)
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
}

func TestFreeAndCloseGiveTheReferenceBack(t *testing.T) {
	c, err := NewConnect(testURI)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.LookupDomainByName("test")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Free(); err != nil {
		t.Fatalf("Free: %v", err)
	}
	if err := d.Free(); err == nil || err.(Error).Code != ERR_INVALID_DOMAIN {
		t.Fatalf("second Free = %v", err)
	}
	if _, err := d.GetName(); err == nil {
		t.Fatalf("GetName after Free succeeded")
	}
	if _, err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := c.GetType(); err == nil || err.(Error).Code != ERR_INVALID_CONN {
		t.Fatalf("GetType after Close = %v", err)
	}
}

func rssKiB(t *testing.T) int {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("no /proc/self/statm")
	}
	pages, _ := strconv.Atoi(strings.Fields(string(data))[1])
	return pages * os.Getpagesize() / 1024
}

// Objects nobody frees are freed by their finalizers: 100,000 lookups leave the memory flat.
func TestNoGrowthOver100000Calls(t *testing.T) {
	if raceEnabled || os.Getenv("VIRTHUB_SANITIZED") != "" {
		t.Skip("RSS means nothing under the race detector's shadow memory or AddressSanitizer's quarantine")
	}
	c := open(t)
	round := func(n int) {
		for i := 0; i < n; i++ {
			d, err := c.LookupDomainByName("test")
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				d.Free()
			}
		}
		runtime.GC()
		runtime.GC()
	}
	round(20000)
	before := rssKiB(t)
	round(100000)
	after := rssKiB(t)
	if after-before > 4096 {
		t.Fatalf("RSS grew by %d KiB over 100,000 calls", after-before)
	}
}

// Lifecycle events reach a Go callback, run by the default event loop in a goroutine.
func TestLifecycleEvents(t *testing.T) {
	if err := EventRegisterDefaultImpl(); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	timer, err := EventAddTimeout(50, func(timer int) {}) // wakes the loop to see stop
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(done)
		for i := 0; i < 100000; i++ {
			select {
			case <-stop:
				return
			default:
			}
			EventRunDefaultImpl()
		}
	}()
	defer func() {
		close(stop)
		<-done
		EventRemoveTimeout(timer)
	}()
	c := open(t)
	type seen struct {
		name   string
		event  DomainEventType
		detail int
	}
	got := make(chan seen, 16)
	id, err := c.DomainEventLifecycleRegister(nil, func(conn *Connect, d *Domain, e *DomainEventLifecycle) {
		if conn != c {
			t.Errorf("callback got another connection object")
		}
		name, _ := d.GetName()
		d.Free()
		got <- seen{name, e.Event, e.Detail}
	})
	if err != nil {
		t.Fatalf("DomainEventLifecycleRegister: %v", err)
	}
	d, err := c.LookupDomainByName("test")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free()
	if err := d.Suspend(); err != nil {
		t.Fatal(err)
	}
	if err := d.Resume(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []seen{{"test", DOMAIN_EVENT_SUSPENDED, 0}, {"test", DOMAIN_EVENT_RESUMED, 0}} {
		select {
		case e := <-got:
			if e != want {
				t.Fatalf("event %+v, want %+v", e, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no event %+v within 5 s", want)
		}
	}
	if err := c.DomainEventDeregister(id); err != nil {
		t.Fatalf("DomainEventDeregister: %v", err)
	}
	if err := c.DomainEventDeregister(id); err == nil {
		t.Fatalf("a second DomainEventDeregister succeeded")
	}
}

func TestNewConnectWithAuth(t *testing.T) {
	auth := &ConnectAuth{
		CredType: []ConnectCredentialType{CRED_AUTHNAME},
		Callback: func(creds []*ConnectCredential) {
			for _, c := range creds {
				c.Result = "user"
			}
		},
	}
	c, err := NewConnectWithAuth(testURI, auth, 0)
	if err != nil {
		t.Fatalf("NewConnectWithAuth: %v", err)
	}
	if uri, err := c.GetURI(); err != nil || uri != testURI {
		t.Fatalf("GetURI = %q, %v", uri, err)
	}
	c.Close()
	if _, err := NewConnectWithAuth("test://", nil, CONNECT_RO); err == nil || err.(Error).Code != ERR_INVALID_ARG {
		t.Fatalf("NewConnectWithAuth(test://) = %v", err)
	}
}

func TestSlicesInAndOut(t *testing.T) {
	c := open(t)
	free, err := c.GetCellsFreeMemory(0, 8)
	if err != nil || len(free) != 2 || free[0] != 2097152 || free[1] != 4194304 {
		t.Fatalf("GetCellsFreeMemory = %v, %v", free, err)
	}
	for _, n := range []int{0, -1} {
		if _, err := c.GetCellsFreeMemory(0, n); err == nil || err.(Error).Code != ERR_INVALID_ARG {
			t.Fatalf("GetCellsFreeMemory(0, %d) = %v", n, err)
		}
	}
	d, err := c.LookupDomainByName("test")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free()
	// the test driver has no guest agent: the string slice reaches the driver, which says so
	if _, err := d.FSFreeze([]string{"/", "/var"}, 0); err == nil || err.(Error).Code != ERR_NO_SUPPORT {
		t.Fatalf("FSFreeze = %v", err)
	}
}

// A size Go cannot allocate is refused with an error, not a panic.
func TestHugeBufferIsRefused(t *testing.T) {
	c := open(t)
	d, err := c.LookupDomainByName("test")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Free()
	if _, err := d.BlockPeek("vda", 0, ^uint64(0), 0); err == nil || err.(Error).Code != ERR_INVALID_ARG {
		t.Fatalf("BlockPeek of 2^64-1 bytes = %v", err)
	}
}
